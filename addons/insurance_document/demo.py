"""Demo data: the insurer as its e-policies print it (a fictitious one)."""
from trytond.pool import Pool

INSURER = {
    'insurer_name': "示例财产保险股份有限公司",
    'insurer_address': "上海市浦东新区示例路 88 号",
    'service_phone': "400-000-0000",
    }


def load():
    "Fill in the insurer where it is still blank"
    Configuration = Pool().get('insurance.document.configuration')
    configuration = Configuration.get_singleton() or Configuration()
    if not configuration.insurer_name:
        for name, value in INSURER.items():
            setattr(configuration, name, value)
        configuration.save()
    return configuration

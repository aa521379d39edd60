from trytond.tests.test_tryton import ModuleTestCase


class InsuranceChannelTestCase(ModuleTestCase):
    "Test Insurance Channel module"
    module = 'insurance_channel'


del ModuleTestCase

from trytond.tests.test_tryton import ModuleTestCase


class InsuranceBaseTestCase(ModuleTestCase):
    "Test Insurance Base module"
    module = 'insurance_base'


del ModuleTestCase

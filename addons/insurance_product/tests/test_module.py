from trytond.tests.test_tryton import ModuleTestCase


class InsuranceProductTestCase(ModuleTestCase):
    "Test Insurance Product module"
    module = 'insurance_product'


del ModuleTestCase

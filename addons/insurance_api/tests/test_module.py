from trytond.tests.test_tryton import ModuleTestCase


class InsuranceApiTestCase(ModuleTestCase):
    "Test Insurance API module"
    module = 'insurance_api'


del ModuleTestCase

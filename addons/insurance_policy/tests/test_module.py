from trytond.tests.test_tryton import ModuleTestCase


class InsurancePolicyTestCase(ModuleTestCase):
    "Test Insurance Policy module"
    module = 'insurance_policy'


del ModuleTestCase

from trytond.tests.test_tryton import ModuleTestCase


class InsuranceClaimTestCase(ModuleTestCase):
    "Test Insurance Claim module"
    module = 'insurance_claim'


del ModuleTestCase

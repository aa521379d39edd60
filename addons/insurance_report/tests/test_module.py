from trytond.tests.test_tryton import ModuleTestCase


class InsuranceReportTestCase(ModuleTestCase):
    "Test Insurance Report module"
    module = 'insurance_report'


del ModuleTestCase

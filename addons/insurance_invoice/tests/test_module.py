from trytond.tests.test_tryton import ModuleTestCase


class InsuranceInvoiceTestCase(ModuleTestCase):
    "Test Insurance Invoice module"
    module = 'insurance_invoice'


del ModuleTestCase

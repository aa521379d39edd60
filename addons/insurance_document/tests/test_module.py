from trytond.tests.test_tryton import ModuleTestCase


class InsuranceDocumentTestCase(ModuleTestCase):
    "Test Insurance Document module"
    module = 'insurance_document'


del ModuleTestCase

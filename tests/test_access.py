"""Each staff role sees the menus and models its work needs, and no more."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

ROLES = [
    'insurance_admin', 'underwriter', 'business', 'customer_service',
    'claims', 'finance', 'analyst']

# The menus directly under Insurance (保险), by role.
MENUS = {
    'insurance_admin': {
        'insurance_product.menu_product', 'insurance_channel.menu_channel',
        'insurance_policy.menu_policy', 'insurance_claim.menu_claim',
        'insurance_report.menu_statement', 'insurance_api.menu_api'},
    'underwriter': {
        'insurance_product.menu_product', 'insurance_policy.menu_policy'},
    'business': {
        'insurance_product.menu_product', 'insurance_channel.menu_channel',
        'insurance_policy.menu_policy', 'insurance_report.menu_statement'},
    'customer_service': {
        'insurance_policy.menu_policy', 'insurance_claim.menu_claim'},
    'claims': {
        'insurance_policy.menu_policy', 'insurance_claim.menu_claim'},
    'finance': {
        'insurance_channel.menu_channel', 'insurance_policy.menu_policy',
        'insurance_claim.menu_claim', 'insurance_report.menu_statement'},
    'analyst': {
        'insurance_product.menu_product', 'insurance_channel.menu_channel',
        'insurance_report.menu_statement'},
    }

# Who may write (create or change) the main record of each area.
WRITERS = {
    'insurance.product': {'insurance_admin', 'underwriter'},
    'insurance.channel': {'insurance_admin', 'business'},
    'insurance.claim': {'insurance_admin', 'claims'},
    'insurance.statement': {'insurance_admin', 'finance'},
    }

# Who may read records that are not everybody's business: policies and claims
# hold customers' personal data, which analysts work without.
READERS = {
    'insurance.policy': set(ROLES) - {'analyst'},
    'insurance.claim': {
        'insurance_admin', 'claims', 'customer_service', 'finance'},
    'insurance.api.idempotency': {'insurance_admin'},
    }


class StaffAccessTestCase(unittest.TestCase):
    "Staff groups: menus and model access per role"

    @classmethod
    def setUpClass(cls):
        activate_module(['insurance_api', 'insurance_report'])

    def user_with_role(self, role):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{
                    'login': f'test_{role}',
                    'name': role,
                    'groups': [('add', [ModelData.get_id(
                                    'insurance_product', f'group_{role}')])],
                    }])
        return user

    def xml_ids(self, records):
        ModelData = Pool().get('ir.model.data')
        data = ModelData.search([
                ('model', '=', records[0].__name__ if records else ''),
                ('db_id', 'in', [r.id for r in records]),
                ])
        return {f'{d.module}.{d.fs_id}' for d in data}

    def visible_insurance_menus(self, user):
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        root = ModelData.get_id('insurance_product', 'menu_insurance')
        with Transaction().set_user(user.id), \
                Transaction().set_context(_check_access=True):
            menus = Menu.search([('parent', '=', root)])
        return self.xml_ids(menus)

    def may(self, user, model, mode):
        ModelAccess = Pool().get('ir.model.access')
        with Transaction().set_user(user.id), \
                Transaction().set_context(_check_access=True):
            return ModelAccess.check(model, mode, raise_exception=False)

    @with_transaction()
    def test_menus_per_role(self):
        for role in ROLES:
            with self.subTest(role=role):
                user = self.user_with_role(role)
                self.assertEqual(
                    self.visible_insurance_menus(user), MENUS[role])

    @with_transaction()
    def test_user_without_insurance_role_sees_no_insurance_menu(self):
        User = Pool().get('res.user')
        user, = User.create([{'login': 'outsider', 'name': "Outsider"}])
        self.assertEqual(self.visible_insurance_menus(user), set())
        self.assertFalse(self.may(user, 'insurance.policy', 'read'))

    @with_transaction()
    def test_writers_per_model(self):
        for role in ROLES:
            user = self.user_with_role(role)
            for model, writers in WRITERS.items():
                with self.subTest(role=role, model=model):
                    self.assertEqual(
                        self.may(user, model, 'write'), role in writers)

    @with_transaction()
    def test_restricted_readers(self):
        for role in ROLES:
            user = self.user_with_role(role)
            for model, readers in READERS.items():
                with self.subTest(role=role, model=model):
                    self.assertEqual(
                        self.may(user, model, 'read'), role in readers)

    @with_transaction()
    def test_every_staff_member_reads_the_catalogue(self):
        for role in ROLES:
            user = self.user_with_role(role)
            for model in ['insurance.product', 'insurance.channel']:
                with self.subTest(role=role, model=model):
                    self.assertTrue(self.may(user, model, 'read'))

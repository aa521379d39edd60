"""Each staff role sees the menus and models its work needs, and no more."""
import pytest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module(['insurance_api', 'insurance_report'])


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


# Staff groups: menus and model access per role
def user_with_role(role):
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


def xml_ids(records):
    ModelData = Pool().get('ir.model.data')
    data = ModelData.search([
            ('model', '=', records[0].__name__ if records else ''),
            ('db_id', 'in', [r.id for r in records]),
            ])
    return {f'{d.module}.{d.fs_id}' for d in data}


def visible_insurance_menus(user):
    pool = Pool()
    Menu = pool.get('ir.ui.menu')
    ModelData = pool.get('ir.model.data')
    root = ModelData.get_id('insurance_product', 'menu_insurance')
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True):
        menus = Menu.search([('parent', '=', root)])
    return xml_ids(menus)


def may(user, model, mode):
    ModelAccess = Pool().get('ir.model.access')
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True):
        return ModelAccess.check(model, mode, raise_exception=False)


@with_transaction()
def test_menus_per_role():
    for role in ROLES:
        user = user_with_role(role)
        assert visible_insurance_menus(user) == MENUS[role], role


@with_transaction()
def test_user_without_insurance_role_sees_no_insurance_menu():
    User = Pool().get('res.user')
    user, = User.create([{'login': 'outsider', 'name': "Outsider"}])
    assert visible_insurance_menus(user) == set()
    assert not may(user, 'insurance.policy', 'read')


@pytest.mark.parametrize('mode, granted', [
        ('write', WRITERS), ('read', READERS)])
@with_transaction()
def test_model_access_per_role(mode, granted):
    "Writers of each model, and readers of the models not all staff read"
    for role in ROLES:
        user = user_with_role(role)
        for model, roles in granted.items():
            assert may(user, model, mode) == (role in roles), (role, model)


@with_transaction()
def test_every_staff_member_reads_the_catalogue():
    for role in ROLES:
        user = user_with_role(role)
        for model in ['insurance.product', 'insurance.channel']:
            assert may(user, model, 'read'), (role, model)

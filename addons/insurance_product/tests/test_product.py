"Products, versions and their workflow, on the database"
from decimal import Decimal

import pytest

from trytond.model.exceptions import AccessError
from trytond.modules.insurance_product import demo
from trytond.modules.insurance_product.exceptions import (
    RuleExpressionError,
    VersionReadOnlyError,
    VersionStateError,
)
from trytond.modules.insurance_product.rating import rate
from trytond.modules.insurance_product.rules import check
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_product')



def get_version(code):
    Product = Pool().get('insurance.product')
    product, = Product.search([('code', '=', code)])
    return product.current_version


def new_draft(code):
    "Return a new draft version of the product code published by the demo"
    Version = Pool().get('insurance.product.version')
    published = get_version(code)
    action = Version.new_version([published])
    draft, = Version.search([
            ('product', '=', published.product.id),
            ('state', '=', 'draft'),
            ])
    assert action['res_id'] == [draft.id]
    return draft


def get_plan(version, code):
    plan, = [p for p in version.plans if p.code == code]
    return plan


def version_content(version):
    "Return what a new version must copy, comparable across versions"
    return {
        'risk_attributes': [
            (a.name, a.type, a.required) for a in version.risk_attributes],
        'rating_tables': [
            (t.code, t.attribute, t.match, t.default_factor,
                [(r.value, r.lower, r.upper, r.factor) for r in t.rows])
            for t in version.rating_tables],
        'plans': [
            (p.code, p.term_value, p.term_unit, p.base_premium,
                p.minimum_premium, p.sum_insured,
                [(c.code, c.sum_insured) for c in p.coverages],
                [f.table.code for f in p.rating_factors],
                [(r.name, r.expression, r.error_code) for r in p.rules])
            for p in version.plans],
        }


# Test products and versions
@with_transaction()
def test_demo_load_is_idempotent():
    Product = Pool().get('insurance.product')
    demo.load()
    demo.load()
    products = Product.search([])
    assert sorted(p.code for p in products) == [
        'ACCOUNT_SECURITY', 'RETURN_SHIPPING']
    for product in products:
        assert [(v.number, v.state) for v in product.versions] == [
            (1, 'published')]
    assert [p.code for p in get_version('RETURN_SHIPPING').plans] == [
        'STANDARD', 'PLUS']


@with_transaction()
def test_demo_plan_quotes_and_checks():
    demo.load()
    terms = get_plan(get_version('RETURN_SHIPPING'), 'PLUS').get_terms()
    risk = {
        'order_no': 'T1', 'order_amount': '129.00',
        'goods_category': 'shoes', 'return_rate_band': 'C',
        }
    # 1.60 x 1.10 (shoes) x 1.00 (100-500) x 1.50 (C) = 2.64
    assert rate(terms, risk).premium == Decimal('2.64')
    assert check(terms, {'risk': risk}) == []
    refused = check(terms, {'risk': {**risk, 'order_amount': '0'}})
    assert [f.code for f in refused] == ['ORDER_AMOUNT_OUT_OF_RANGE']
    assert terms.sum_insured == Decimal('20.00')


@with_transaction()
def test_new_version_copies_everything():
    demo.load()
    published = get_version('RETURN_SHIPPING')
    draft = new_draft('RETURN_SHIPPING')
    assert draft.number == 2
    assert version_content(draft) == version_content(published)
    new_tables = set(draft.rating_tables)
    for plan in draft.plans:
        assert {f.table for f in plan.rating_factors} <= new_tables


@with_transaction()
def test_new_version_makes_one_draft_however_often_pressed():
    Version = Pool().get('insurance.product.version')
    demo.load()
    published = get_version('RETURN_SHIPPING')
    draft = new_draft('RETURN_SHIPPING')
    for _ in range(3):
        action = Version.new_version([published])
        assert action['res_id'] == [draft.id]
    # the form of the draft opens first
    assert [view_type for _, view_type in action['views']] == [
        'form', 'tree']
    assert Version.search([
            ('product', '=', published.product.id),
            ], order=[('number', 'ASC')]) == [published, draft]
    # from the draft itself too, and for two versions of the product
    assert Version.new_version([draft, published])['res_id'] == [draft.id]


@with_transaction()
def test_published_version_is_read_only():
    pool = Pool()
    Version = pool.get('insurance.product.version')
    Plan = pool.get('insurance.plan')
    Rule = pool.get('insurance.plan.rule')
    Row = pool.get('insurance.rating.table.row')
    demo.load()
    version = get_version('RETURN_SHIPPING')
    plan = get_plan(version, 'STANDARD')
    for modify in [
            lambda: Plan.write([plan], {'base_premium': Decimal(2)}),
            lambda: Rule.delete(list(plan.rules)),
            lambda: Row.write(
                list(version.rating_tables[0].rows),
                {'factor': Decimal(9)}),
            lambda: Plan.create([{
                        'version': version.id, 'code': 'NEW',
                        'name': "New", 'term_value': 1,
                        'base_premium': 1, 'minimum_premium': 0,
                        'sum_insured': 1}]),
            lambda: Version.delete([version]),
            ]:
        with pytest.raises(VersionReadOnlyError):
            modify()


@with_transaction()
def test_second_publish_supersedes():
    Version = Pool().get('insurance.product.version')
    demo.load()
    first = get_version('ACCOUNT_SECURITY')
    second = new_draft('ACCOUNT_SECURITY')
    Version.publish([second])
    assert [(v.number, v.state) for v in first.product.versions] == [
        (2, 'published'), (1, 'superseded')]
    assert first.product.current_version == second


@with_transaction()
def test_withdraw():
    Version = Pool().get('insurance.product.version')
    demo.load()
    version = get_version('ACCOUNT_SECURITY')
    product = version.product
    Version.withdraw([version])
    assert version.state == 'withdrawn'
    assert product.current_version is None


@with_transaction()
def test_withdraw_draft_refused():
    Version = Pool().get('insurance.product.version')
    demo.load()
    draft = new_draft('ACCOUNT_SECURITY')
    with pytest.raises(VersionStateError):
        Version.withdraw([draft])
    assert draft.state == 'draft'


@with_transaction()
def test_publish_without_plan_refused():
    pool = Pool()
    Product = pool.get('insurance.product')
    Version = pool.get('insurance.product.version')
    Line = pool.get('insurance.line')
    line, = Line.search([('code', '=', 'RETURN_SHIPPING')])
    product, = Product.create([{
                'code': 'EMPTY', 'name': "Empty", 'line': line.id}])
    version, = Version.create([{'product': product.id}])
    with pytest.raises(VersionStateError):
        Version.publish([version])
    assert version.state == 'draft'


@with_transaction()
def test_publish_twice_refused():
    Version = Pool().get('insurance.product.version')
    demo.load()
    with pytest.raises(VersionStateError):
        Version.publish([get_version('ACCOUNT_SECURITY')])


@with_transaction()
def test_rule_expression_refused_when_saved():
    Rule = Pool().get('insurance.plan.rule')
    demo.load()
    draft = new_draft('ACCOUNT_SECURITY')
    plan = draft.plans[0]
    for expression in [
            "__import__('os')", "().__class__", "9**9**9",
            "'x' * 10**9", "len(risk.account_id) <"]:
        with pytest.raises(RuleExpressionError):
            Rule.create([{
                        'plan': plan.id, 'name': "Evil",
                        'expression': expression,
                        'error_code': 'EVIL', 'message': "Evil"}])


@with_transaction()
def test_terms_follow_draft_changes():
    Plan = Pool().get('insurance.plan')
    demo.load()
    draft = new_draft('ACCOUNT_SECURITY')
    plan = get_plan(draft, 'BASIC')
    assert plan.get_terms() is plan.get_terms()
    Plan.write([plan], {'base_premium': Decimal('4.00')})
    assert plan.get_terms().base_premium == Decimal('4.00')


# Test who may edit products
def create_user(login, group):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'login': login, 'name': login,
                'groups': [('add', [ModelData.get_id(
                                'insurance_product', group)])],
                }])
    return user


def write_as(user, records, values):
    with Transaction().set_user(user.id), check_access():
        Model = Pool().get(records[0].__name__)
        Model.write(Model.browse(records), values)


def read_as(user, records):
    with Transaction().set_user(user.id), check_access():
        Model = Pool().get(records[0].__name__)
        return [r.name for r in Model.browse(records)]


@with_transaction()
def test_underwriter_writes():
    Version = Pool().get('insurance.product.version')
    demo.load()
    underwriter = create_user('uw', 'group_underwriter')
    version = get_version('ACCOUNT_SECURITY')
    write_as(underwriter, [version.product], {'name': "改名"})
    with Transaction().set_user(underwriter.id), check_access():
        Version.new_version(Version.browse([version.id]))
        draft, = Version.search([('state', '=', 'draft')])
        Version.publish([draft])


@with_transaction()
def test_staff_change_only_drafts_and_their_content():
    "The published content is refused, and shown read-only (_write)"
    pool = Pool()
    Plan = pool.get('insurance.plan')
    Coverage = pool.get('insurance.plan.coverage')
    Row = pool.get('insurance.rating.table.row')
    demo.load()
    underwriter = create_user('uw', 'group_underwriter')
    published = get_version('RETURN_SHIPPING')
    draft = new_draft('RETURN_SHIPPING')
    for version, writable in [(published, False), (draft, True)]:
        plan = get_plan(version, 'STANDARD')
        content = [
            (Plan, plan), (Coverage, plan.coverages[0]),
            (Row, version.rating_tables[0].rows[0])]
        with Transaction().set_user(underwriter.id), check_access():
            for Model, record in content:
                (read,) = Model.read([record.id], ['_write', '_delete'])
                assert (read['_write'], read['_delete']) == (
                    writable, writable), Model.__name__
    with pytest.raises(AccessError):
        write_as(underwriter, [get_plan(published, 'STANDARD')],
            {'name': "改名"})
    write_as(underwriter, [get_plan(draft, 'STANDARD')], {'name': "改名"})


@with_transaction()
def test_business_staff_cannot_write():
    demo.load()
    business = create_user('biz', 'group_business')
    version = get_version('ACCOUNT_SECURITY')
    for records in [[version.product], list(version.plans)]:
        with pytest.raises(AccessError):
            write_as(business, records, {'name': "改名"})


@with_transaction()
def test_customer_service_reads():
    demo.load()
    service = create_user('cs', 'group_customer_service')
    version = get_version('RETURN_SHIPPING')
    assert read_as(service, [version.product]) == ["退货运费险"]
    assert read_as(service, list(version.plans)) == ["标准款", "升级款"]
    with pytest.raises(AccessError):
        write_as(service, list(version.plans), {'name': "改名"})

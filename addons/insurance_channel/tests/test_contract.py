import datetime as dt
from decimal import Decimal

import pytest

from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.modules.insurance_base.timezone import utcnow
from trytond.modules.insurance_channel.exceptions import ContractError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, check_access

from .tools import (
    assert_views_readable,
    create_channel,
    create_contract,
    create_product_version,
    create_user,
)


def plan_codes(record):
    return sorted(p.code for p in record.plans)


@with_transaction()
def test_contract_numbers_go_on_after_the_highest_given():
    "What a database numbered by ir.sequence before starts its sequence at"
    Contract = Pool().get('insurance.contract')
    product_version = create_product_version()
    first = create_contract(create_channel('A'), product_version)
    second = create_contract(create_channel('B'), product_version)
    assert int(second.number[1:]) == int(first.number[1:]) + 1
    table = Contract.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update([table.number], ['C000042'],
            where=table.id == first.id))

    assert Contract._next_free_number() == 43


@with_transaction()
def test_activation_makes_version_one():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    channel = create_channel()
    product_version = create_product_version(plan_codes=['STANDARD', 'PLUS'])

    contract = create_contract(
        channel, product_version, activate=False,
        operations=['quote', 'issue', 'claim'],
        fee_rate=Decimal('0.15'))
    assert contract.number.startswith('C') and len(contract.number) == 7
    assert contract.rate_adjustment == 1
    assert not contract.versions
    assert Contract.find_for(channel, 'RETURN_SHIPPING') is None

    Contract.activate([contract])

    version, = contract.versions
    assert contract.current_version == version
    assert (version.number, version.effective_to) == (1, None)
    assert version.effective_from <= utcnow()
    assert version.product_version == product_version
    assert version.fee_rate == Decimal('0.15')
    assert Contract.find_for(channel, 'RETURN_SHIPPING') == version
    assert Contract.find_for(channel, 'ACCOUNT_SECURITY') is None
    other_channel = create_channel('OTHER')
    assert Contract.find_for(other_channel, 'RETURN_SHIPPING') is None


@with_transaction()
def test_version_grants():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    channel = create_channel()
    product_version = create_product_version(plan_codes=['STANDARD', 'PLUS'])
    contract = create_contract(
        channel, product_version, operations=['quote', 'issue'],
        start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    contract.plans = [p for p in contract.plans if p.code == 'STANDARD']
    contract.save()

    version = Contract.find_for(channel, 'RETURN_SHIPPING')
    assert version.grants_operation('issue')
    assert not version.grants_operation('cancel')
    assert version.grants_plan('STANDARD')
    assert version.plan('STANDARD').code == 'STANDARD'
    assert not version.grants_plan('PLUS')
    assert version.plan('PLUS') is None
    assert version.covers(dt.date(2026, 1, 1))
    assert not version.covers(dt.date(2027, 1, 1))
    assert not version.product_withdrawn
    assert version.channel == channel


@with_transaction()
def test_activation_refused_on_closed_channel():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    channel = create_channel()
    contract = create_contract(
        channel, create_product_version(), activate=False)
    pool.get('insurance.channel').close([channel])

    with pytest.raises(ContractError, match='closed'):
        Contract.activate([contract])
    assert contract.state == 'draft'


@with_transaction()
def test_only_published_versions_are_authorised():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    Version = pool.get('insurance.product.version')
    channel = create_channel()
    draft = create_product_version(publish=False)
    with pytest.raises(DomainValidationError):
        create_contract(channel, draft, activate=False)

    published = create_product_version('ACCOUNT_SECURITY')
    contract = create_contract(channel, published, activate=False)
    Version.withdraw([published])
    with pytest.raises(ContractError, match='published'):
        Contract.activate([contract])


@with_transaction()
def test_one_active_contract_per_channel_and_product():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    channel = create_channel()
    product_version = create_product_version()
    create_contract(channel, product_version)
    second = create_contract(channel, product_version, activate=False)

    with pytest.raises(ContractError, match='already'):
        Contract.activate([second])
    create_contract(create_channel('OTHER'), product_version)


@with_transaction()
def test_editing_active_contract_makes_new_version():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    channel = create_channel()
    product_version = create_product_version(plan_codes=['STANDARD', 'PLUS'])
    contract = create_contract(
        channel, product_version, operations=['quote', 'issue'],
        fee_rate=Decimal('0.15'))
    first = contract.current_version

    Contract.write([contract], {
            'fee_rate': Decimal('0.10'),
            'operations': ['quote', 'issue', 'cancel'],
            })

    assert len(contract.versions) == 2
    second = contract.current_version
    assert second.number == 2
    assert (second.fee_rate, second.operations) == (
        Decimal('0.10'), ('cancel', 'issue', 'quote'))
    assert plan_codes(second) == ['PLUS', 'STANDARD']
    assert Contract.find_for(channel, 'RETURN_SHIPPING') == second
    first = first.__class__(first.id)
    assert first.fee_rate == Decimal('0.15')
    assert first.operations == ('issue', 'quote')
    assert first.effective_to == second.effective_from


@with_transaction()
def test_writing_same_terms_or_draft_makes_no_version():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    channel = create_channel()
    draft = create_contract(
        channel, create_product_version(), activate=False)
    Contract.write([draft], {'fee_rate': Decimal('0.2')})
    assert not draft.versions

    Contract.activate([draft])
    Contract.write([draft], {'fee_rate': Decimal('0.2')})
    assert len(draft.versions) == 1


@with_transaction()
def test_terminate():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    channel = create_channel()
    contract = create_contract(channel, create_product_version())

    Contract.terminate([contract])

    assert contract.state == 'terminated'
    version, = contract.versions
    assert version.effective_to
    assert contract.current_version is None
    assert Contract.find_for(channel, 'RETURN_SHIPPING') is None
    with pytest.raises(ContractError):
        Contract.write([contract], {'fee_rate': Decimal('0.3')})
    with pytest.raises(ContractError):
        Contract.delete([contract])


@with_transaction()
def test_active_contracts_follow_new_product_version():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    Version = pool.get('insurance.product.version')
    channel = create_channel()
    old = create_product_version(plan_codes=['STANDARD', 'PLUS'])
    contract = create_contract(channel, old)
    contract.plans = [p for p in contract.plans if p.code == 'PLUS']
    contract.save()
    draft_contract = create_contract(
        create_channel('OTHER'), old, activate=False)

    new = create_product_version(
        plan_codes=['STANDARD', 'PLUS', 'PREMIUM'], publish=False,
        product=old.product)
    Version.publish([new])

    assert contract.product_version == new
    current = Contract.find_for(channel, 'RETURN_SHIPPING')
    assert current.number == 3
    assert current.product_version == new
    assert [p.version for p in current.plans] == [new]
    assert plan_codes(current) == ['PLUS']
    assert draft_contract.product_version == old


@with_transaction()
def test_withdrawn_product_grants_nothing_new():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    Version = pool.get('insurance.product.version')
    channel = create_channel()
    withdrawn = create_product_version()
    create_contract(channel, withdrawn)
    other = create_product_version('ACCOUNT_SECURITY')
    create_contract(channel, other)

    Version.withdraw([withdrawn])

    version = Contract.find_for(channel, 'RETURN_SHIPPING')
    assert version.product_withdrawn
    sellable, = Contract.find_sellable(channel)
    assert sellable.product_version == other


@with_transaction()
def test_business_staff_manage_contracts_underwriter_reads():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    channel = create_channel()
    product_version = create_product_version()
    business = create_user('business', 'group_business')
    underwriter = create_user('underwriter', 'group_underwriter')

    with Transaction().set_user(business.id), check_access():
        contract = create_contract(channel, product_version)
        Contract.write([contract], {'fee_rate': Decimal('0.05')})
    with Transaction().set_user(underwriter.id), check_access():
        contract = Contract(contract.id)
        assert contract.current_version.number == 2
        with pytest.raises(AccessError):
            Contract.write([contract], {'fee_rate': Decimal('0.5')})


@with_transaction()
def test_every_staff_role_opens_contract_forms():
    channel = create_channel()
    contract = create_contract(channel, create_product_version())
    roles = ['group_finance', 'group_analyst', 'group_underwriter',
        'group_customer_service', 'group_claims', 'group_business']

    for role in roles:
        user = create_user(role, role)
        with Transaction().set_user(user.id), check_access():
            assert_views_readable(contract)
            assert_views_readable(contract.current_version)

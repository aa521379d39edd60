"""Endorsements, renewals and cancellations, without HTTP."""
import datetime as dt
from decimal import Decimal

import pytest

from trytond.modules.insurance_base.timezone import china_today
from trytond.modules.insurance_policy.exceptions import IssuanceError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .lifecycle_helpers import security_channel, security_policy


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_policy')


def today(days=0):
    return china_today() + dt.timedelta(days=days)


def term_days(policy):
    return (policy.end_date - policy.start_date).days


def refusal_of(call, *args, **kwargs):
    with pytest.raises(IssuanceError) as refusal:
        call(*args, **kwargs)
    return refusal.value


def endorse(policy, plan='ADVANCED', day=None):
    Endorsement = Pool().get('insurance.policy.endorsement')
    return Endorsement.endorse(policy, plan, day or today())


@with_transaction()
def test_free_upgrade_charges_the_channel_the_full_difference_at_start():
    policy = security_policy(security_channel())

    endorsement = endorse(policy)

    assert endorsement.number.startswith(f'E{china_today():%Y%m%d}')
    assert endorsement.premium_delta == Decimal('9.00')
    assert (endorsement.plan_before.code, endorsement.plan_after.code) == (
        'BASIC', 'ADVANCED')
    assert endorsement.before['sum_insured'] == '1000.00'
    assert endorsement.after['sum_insured'] == '10000.00'
    assert endorsement.contract_version == policy.contract_version
    policy = endorsement.policy
    assert policy.plan.code == 'ADVANCED'
    assert policy.sum_insured == Decimal('10000.00')
    assert policy.premium == Decimal('3.00')
    assert policy.term_premium == Decimal('12.00')
    assert [e.id for e in policy.endorsements] == [endorsement.id]


@with_transaction()
def test_endorsement_difference_is_pro_rata_by_the_days_left():
    policy = security_policy(security_channel())
    days = term_days(policy)

    endorsement = endorse(policy, day=today(100))

    expected = (Decimal(9) * (days - 100) / days).quantize(Decimal('0.01'))
    assert endorsement.premium_delta == expected
    downgrade = endorse(endorsement.policy, 'BASIC', today(200))
    assert downgrade.premium_delta == -(
        Decimal(9) * (days - 200) / days).quantize(Decimal('0.01'))


@with_transaction()
def test_endorsement_refusals():
    channel = security_channel()
    policy = security_policy(channel)

    assert refusal_of(endorse, policy, 'BASIC').code == 'RULE_VIOLATION'
    assert refusal_of(endorse, policy, 'GOLD').code == 'PLAN_NOT_AUTHORIZED'
    out_of_term = refusal_of(endorse, policy, day=today(400))
    assert [d['code'] for d in out_of_term.details] == [
        'EFFECTIVE_DATE_OUT_OF_TERM']
    policy.cancel_from(today(), "customer asked")
    assert refusal_of(endorse, policy).code == 'POLICY_NOT_IN_FORCE'


@with_transaction()
def test_endorsement_needs_the_grant():
    channel = security_channel(operations=('issue', 'cancel'))
    policy = security_policy(channel)

    assert refusal_of(endorse, policy).code == 'OPERATION_NOT_AUTHORIZED'


@with_transaction()
def test_renewal_starts_at_the_old_end_and_links_both_ways():
    policy = security_policy(security_channel())

    renewal = policy.renew(idempotency_key='renew-1')

    assert renewal.number != policy.number
    assert renewal.starts_at == policy.ends_at
    assert renewal.state == policy.state == 'in_force'
    assert renewal.renewed_from == policy
    assert policy.renewed_to == renewal
    assert renewal.plan.code == 'BASIC'
    assert renewal.idempotency_key == 'renew-1'
    Policy = Pool().get('insurance.policy')
    assert Policy.search([('renewed_to', '=', renewal.id)]) == [policy]


@with_transaction()
def test_renewal_may_change_the_plan_and_only_once():
    policy = security_policy(security_channel())

    renewal = policy.renew('ADVANCED')

    assert renewal.plan.code == 'ADVANCED'
    assert renewal.premium == Decimal('12.00')
    assert refusal_of(policy.renew).code == 'ALREADY_RENEWED'


@with_transaction()
def test_renewal_of_a_withdrawn_product_offers_the_sellable_ones():
    pool = Pool()
    Version = pool.get('insurance.product.version')
    Contract = pool.get('insurance.contract')
    channel = security_channel()
    policy = security_policy(channel)
    shipping = policy.product.search([('code', '=', 'RETURN_SHIPPING')])[0]
    contract, = Contract.create([{
                'channel': channel.id,
                'product_version': shipping.current_version.id,
                'plans': [('add', [
                            p.id for p in shipping.current_version.plans])],
                'start_date': today(-1),
                }])
    Contract.activate([contract])
    Version.withdraw([policy.product_version])

    refusal = refusal_of(policy.renew)

    assert refusal.code == 'PRODUCT_WITHDRAWN'
    assert [d['product_code'] for d in refusal.details] == [
        'RETURN_SHIPPING']


@with_transaction()
def test_cancellation_refunds_the_unearned_premium_by_day():
    policy = security_policy(security_channel())
    days = term_days(policy)

    cancelled = policy.cancel_from(today(73), "moved to another bank")

    assert cancelled.state == 'cancelled'
    assert cancelled.refund == (
        Decimal(3) * (days - 73) / days).quantize(Decimal('0.01'))
    assert cancelled.cancellation_date == today(73)
    assert cancelled.cancellation_reason == "moved to another bank"
    assert cancelled.cancelled_at is not None
    second = refusal_of(cancelled.cancel_from, today(), "again")
    assert second.code == 'POLICY_NOT_IN_FORCE'


@with_transaction()
def test_a_future_policy_cancelled_before_its_start_is_refunded_fully():
    policy = security_policy(security_channel(), days_ahead=10)

    assert policy.cancel_from(today(), "never mind").refund == Decimal('3.00')


@with_transaction()
def test_refund_after_an_upgrade_is_the_unearned_new_premium():
    policy = security_policy(security_channel())
    days = term_days(policy)
    endorse(policy, day=today(50))

    with pytest.raises(IssuanceError):
        policy.cancel_from(today(10), "before the upgrade")
    cancelled = policy.cancel_from(today(100), "after the upgrade")

    assert cancelled.refund == (
        Decimal(12) * (days - 100) / days).quantize(Decimal('0.01'))


@with_transaction()
def test_no_refund_after_a_paid_claim(monkeypatch):
    Policy = Pool().get('insurance.policy')
    policy = security_policy(security_channel())
    monkeypatch.setattr(Policy, 'has_paid_claim', lambda self: True)

    assert policy.cancel_from(today(), "after a claim").refund == Decimal(0)


@with_transaction()
def test_a_cancelled_object_may_be_insured_again():
    channel = security_channel()
    policy = security_policy(channel)
    policy.cancel_from(today(), "closing the account")

    assert security_policy(channel).state == 'in_force'


def run_wizard(name, policy, state, **start):
    "Fill the start form of the wizard name on policy and go to state"
    Wizard = Pool().get(name, type='wizard')
    session_id, _, _ = Wizard.create()
    with Transaction().set_context(active_model='insurance.policy',
            active_id=policy.id, active_ids=[policy.id]):
        wizard = Wizard(session_id)
        for field, value in start.items():
            setattr(wizard.start, field, value)
        getattr(wizard, f'transition_{state}')()


@with_transaction()
def test_back_office_wizards_endorse_and_cancel():
    Plan = Pool().get('insurance.plan')
    policy = security_policy(security_channel())
    advanced, = Plan.search([
            ('version', '=', policy.product_version.id),
            ('code', '=', 'ADVANCED'),
            ])

    run_wizard('insurance.policy.endorse', policy, 'endorse',
        plan=advanced, effective_date=today())
    run_wizard('insurance.policy.cancel', policy, 'cancel',
        effective_date=today(30), reason="客户来电申请退保")

    assert [e.plan_after.code for e in policy.endorsements] == ['ADVANCED']
    assert (policy.state, policy.cancellation_reason) == (
        'cancelled', "客户来电申请退保")

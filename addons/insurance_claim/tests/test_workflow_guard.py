"""Money moves only through the workflow: what staff send over RPC to
create, write, copy or delete cannot set states, amounts or payments
(issue 11, item 1)."""
import datetime as dt
import json
from contextlib import contextmanager
from decimal import Decimal

import pytest

from trytond.modules.insurance_base.exceptions import WorkflowGuardError
from trytond.modules.insurance_claim.exceptions import (
    ClaimError,
    ClaimValidationError,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from .tools import (
    create_channel,
    create_contract,
    create_policy,
    create_user,
    file_claim,
)

D = Decimal


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_claim')


@contextmanager
def as_user(login, group):
    "Calls as a staff user over RPC make them: with access checks"
    user = create_user(login, group)
    with Transaction().set_user(user.id), check_access():
        yield user


def policy_insured_for_1000():
    contract = create_contract(create_channel('PAY'), 'ACCOUNT_SECURITY')
    policy = create_policy(contract, 'BASIC')
    assert policy.sum_insured == D('1000.00')
    return policy


def under_review(policy, amount='600.00'):
    Claim = Pool().get('insurance.claim')
    claim = file_claim(policy, None, amount=amount)
    Claim.take([claim])
    return claim


@with_transaction()
def test_service_cannot_create_a_paid_claim():
    Claim = Pool().get('insurance.claim')
    policy = policy_insured_for_1000()
    with as_user('service', 'group_customer_service'):
        for values in [
                {'state': 'paid', 'paid_amount': D('999.00')},
                {'paid_amount': D('999.00')},
                {'approved_amount': D('999.00')},
                {'handler': 1},
                {'payment_reference': 'BANK-X'},
                ]:
            with pytest.raises(WorkflowGuardError):
                Claim.create([{
                            'policy': policy.id,
                            'claimed_amount': D('999.00'),
                            **values,
                            }])
        # What the claim form sends for a new claim is accepted
        claim, = Claim.create([{
                    'policy': policy.id,
                    'claimed_amount': D('999.00'),
                    'details': {'theft_report': "Stolen account"},
                    'approved_amount': None,
                    'payment_reference': '',
                    'rejection_code': None,
                    }])
    assert (claim.state, claim.paid_amount) == ('submitted', None)


@with_transaction()
def test_handler_cannot_write_a_payment():
    Claim = Pool().get('insurance.claim')
    claim = under_review(policy_insured_for_1000())
    with as_user('handler', 'group_claims'):
        for values in [
                {'state': 'paid', 'paid_amount': D('50000.00')},
                {'state': 'approved'},
                {'paid_amount': D('50000.00')},
                {'paid_at': claim.filed_at},
                {'handler': None},
                ]:
            with pytest.raises(WorkflowGuardError):
                Claim.write([claim], values)
        # more than the sum insured: refused when typed, not at approval
        with pytest.raises(ClaimValidationError):
            Claim.write([claim], {'approved_amount': D('50000.00')})
    assert (claim.state, claim.paid_amount) == ('under_review', None)


@with_transaction()
def test_change_log_lines_are_only_read_again():
    """sao adds again the log lines a person opened, when it saves the form
    before a button: that is no change"""
    Claim = Pool().get('insurance.claim')
    policy = policy_insured_for_1000()
    claim, other = under_review(policy), under_review(policy)
    Claim.approve([claim])
    claim.payment_reference = 'BANK-7'
    claim.save()
    Claim.pay([claim])
    own_logs = [log.id for log in claim.history]
    with as_user('handler', 'group_claims'):
        # even on a paid claim, which can no longer be updated
        Claim.write([claim], {'history': [('add', own_logs)]})
        for action in [('add', [other.history[0].id]),
                ('remove', own_logs[:1]), ('delete', own_logs[:1])]:
            with pytest.raises(WorkflowGuardError):
                Claim.write([claim], {'history': [action]})
    assert [log.id for log in Claim(claim.id).history] == own_logs


@with_transaction()
def test_service_cannot_file_a_claim_the_policy_does_not_cover():
    Claim = Pool().get('insurance.claim')
    policy = policy_insured_for_1000()
    with as_user('service', 'group_customer_service'):
        with pytest.raises(ClaimError) as refusal:
            Claim.create([{
                        'policy': policy.id,
                        'incident_date': dt.date(2000, 1, 1),
                        'claimed_amount': D('100.00'),
                        }])
    assert refusal.value.code == 'NOT_COVERED'
    assert not Claim.search([('policy', '=', policy.id)])


@with_transaction()
def test_approved_amount_is_frozen_once_approved():
    Claim = Pool().get('insurance.claim')
    claim = under_review(policy_insured_for_1000())
    with as_user('handler', 'group_claims'):
        Claim.approve([claim])
        with pytest.raises(WorkflowGuardError):
            Claim.write([claim], {'approved_amount': D('900.00')})
        # unchanged values pass, as a client sending the whole record does
        Claim.write([claim], {
                'approved_amount': D('600.00'), 'payment_reference': 'B-1'})
        Claim.pay([claim])
        with pytest.raises(WorkflowGuardError):
            Claim.write([claim], {'payment_reference': 'B-2'})
    event = claim.callback_events[0]
    assert json.loads(event.body)['data']['paid_amount'] == '600.00'


@with_transaction()
def test_admin_is_held_by_the_same_rules():
    pool = Pool()
    Claim = pool.get('insurance.claim')
    Event = pool.get('insurance.callback.event')
    claim = under_review(policy_insured_for_1000())
    with as_user('manager', 'group_insurance_admin'):
        with pytest.raises(WorkflowGuardError):
            Claim.write([claim], {'state': 'paid', 'paid_amount': D(1)})
        event = claim.callback_events[0]
        assert '"paid_amount":null' in event.body
        with pytest.raises(WorkflowGuardError):
            Event.write([event], {
                    'body': event.body.replace(
                        '"paid_amount":null', '"paid_amount":"60000.00"')})
        with pytest.raises(WorkflowGuardError):
            Event.write([event], {'state': 'delivered'})


@with_transaction()
def test_two_payments_cannot_exceed_the_sum_insured():
    Claim = Pool().get('insurance.claim')
    policy = policy_insured_for_1000()
    first, second = under_review(policy), under_review(policy)
    Claim.approve([first, second])  # each 600 <= 1,000 before any payment
    Claim.write([first, second], {'payment_reference': 'BANK-1'})
    with pytest.raises(ClaimValidationError):
        Claim.pay([first, second])


@with_transaction()
def test_copy_starts_the_workflow_afresh():
    Claim = Pool().get('insurance.claim')
    claim = under_review(policy_insured_for_1000())
    Claim.approve([claim])
    Claim.write([claim], {'payment_reference': 'BANK-1'})
    Claim.pay([claim])
    with as_user('handler', 'group_claims'):
        copy, = Claim.copy([claim])
        with pytest.raises(WorkflowGuardError):
            Claim.copy([claim], default={'approved_amount': D('5')})
    assert (copy.state, copy.approved_amount, copy.paid_amount,
        copy.paid_at, copy.payment_reference, copy.handler) == (
        'submitted', None, None, None, None, None)

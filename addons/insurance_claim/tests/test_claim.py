from decimal import Decimal

import pytest

from trytond.model.exceptions import AccessError, SQLConstraintError
from trytond.modules.insurance_claim.exceptions import (
    ClaimError,
    ClaimValidationError,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

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


def account_security_policy(code='PAY'):
    contract = create_contract(
        create_channel(code), 'ACCOUNT_SECURITY')
    return create_policy(contract, 'BASIC')


def history(claim):
    return [(log.field, log.old_value, log.new_value)
        for log in claim.history]


@with_transaction()
def test_filing_numbers_and_logs_the_claim():
    policy = create_policy(create_contract(create_channel()))
    claim = file_claim(policy)
    assert claim.number.startswith('C') and len(claim.number) == 19
    assert claim.channel == policy.channel
    assert claim.line.code == 'RETURN_SHIPPING'
    assert claim.source == 'api'
    assert claim.state == 'submitted'
    assert history(claim) == [('state', None, 'submitted')]
    assert file_claim(policy).number != claim.number


@with_transaction()
def test_filing_refused_when_not_covered():
    policy = create_policy(create_contract(create_channel()))
    with pytest.raises(ClaimError) as refusal:
        file_claim(policy, incident_date=policy.starts_at.date()
            - __import__('datetime').timedelta(days=2))
    assert refusal.value.code == 'NOT_COVERED'


@with_transaction()
def test_handler_takes_approves_pays_and_closes():
    Claim = Pool().get('insurance.claim')
    policy = account_security_policy()
    claim = file_claim(policy, None, amount='600.00', source='back_office',
        theft_report="Police report 2026-001")
    assert claim.details['theft_report'] == "Police report 2026-001"

    Claim.take([claim])
    assert claim.state == 'under_review'
    assert claim.approved_amount == D('600.00')
    Claim.approve([claim])
    claim.payment_reference = 'BANK-0001'
    claim.save()
    Claim.pay([claim])
    assert (claim.state, claim.paid_amount) == ('paid', D('600.00'))
    assert claim.paid_at
    Claim.close([claim])
    assert claim.state == 'closed'

    states = [(old, new) for field, old, new in history(claim)
        if field == 'state']
    assert states == [
        (None, 'submitted'), ('submitted', 'under_review'),
        ('under_review', 'approved'), ('approved', 'paid'),
        ('paid', 'closed')]
    assert ('payment_reference', None, 'BANK-0001') in history(claim)
    assert [e.sequence for e in claim.callback_events] == [4, 3, 2, 1]


@with_transaction()
def test_approval_limited_to_remaining_sum_insured():
    Claim = Pool().get('insurance.claim')
    policy = account_security_policy()  # BASIC: 1,000.00
    first = file_claim(policy, None, amount='700.00')
    Claim.take([first])
    Claim.approve([first])
    first.payment_reference = 'BANK-1'
    first.save()
    Claim.pay([first])

    second = file_claim(policy, None, amount='500.00')
    Claim.take([second])
    assert second.remaining_sum_insured == D('300.00')
    assert second.approved_amount == D('300.00')
    second.approved_amount = D('300.01')
    with pytest.raises(ClaimValidationError):
        second.save()  # refused as soon as it is written
    assert second.state == 'under_review'


@with_transaction()
def test_refusals():
    Claim = Pool().get('insurance.claim')
    claim = file_claim(account_security_policy(), None, amount='10.00')
    Claim.take([claim])
    with pytest.raises(ClaimValidationError):
        Claim.reject([claim])  # no reason given
    Claim.approve([claim])
    with pytest.raises(ClaimValidationError):
        Claim.pay([claim])  # no payment reference
    claim.payment_reference = 'BANK-2'
    claim.save()
    Claim.pay([claim])
    with pytest.raises(ClaimError) as final:
        claim.amend(claimed_amount=D('11.00'))
    assert final.value.code == 'CLAIM_FINAL'
    with pytest.raises(ClaimError):
        Claim.delete([claim])


@with_transaction()
def test_amend_logs_each_change_and_resubmits():
    Claim = Pool().get('insurance.claim')
    claim = file_claim(account_security_policy(), None, amount='10.00')
    claim.rejection_code = 'INSUFFICIENT_EVIDENCE'
    claim.save()
    Claim.reject([claim])

    claim.amend(details={'theft_report': "Report 7"},
        claimed_amount=D('12.5'))
    assert claim.state == 'submitted'
    assert claim.rejection_code is None
    assert claim.claimed_amount == D('12.50')
    changes = history(claim)
    assert ('claimed_amount', '10.00', '12.50') in changes
    assert ('details.theft_report', None, 'Report 7') in changes
    assert ('rejection_code', 'INSUFFICIENT_EVIDENCE', None) in changes
    assert changes[-1] == ('state', 'rejected', 'submitted')


@with_transaction()
def test_change_log_reads_as_the_claim_form():
    pool = Pool()
    Claim = pool.get('insurance.claim')
    handler = create_user('handler', 'group_claims')
    claim = file_claim(account_security_policy(), None, amount='10.00')
    with Transaction().set_context(claim_actor='channel PAY'):
        claim.amend(details={'theft_report': "Report 7"})
    with Transaction().set_user(handler.id):
        Claim.take([claim])
    claim.rejection_code = 'INSUFFICIENT_EVIDENCE'
    claim.save()
    Claim.reject([claim])

    shown = [(log.actor_name, log.field_name, log.old_text, log.new_text)
        for log in Claim(claim.id).history]
    assert (f"Channel {claim.channel.rec_name}", "Theft Report", None,
        "Report 7") in shown
    assert (handler.rec_name, "State", "Submitted", "Under Review") in shown
    assert (handler.rec_name, "Approved Amount", None, "10.00") in shown
    assert shown[-1][1:] == ("State", "Under Review", "Rejected")
    assert shown[-2][1:] == (
        "Rejection Reason", None, "Insufficient Evidence")
    # What the partner API answers stays raw
    assert history(claim)[-1] == ('state', 'under_review', 'rejected')


@with_transaction()
def test_staff_rights():
    pool = Pool()
    Claim = pool.get('insurance.claim')
    policy = account_security_policy()
    service = create_user('service', 'group_customer_service')
    handler = create_user('handler', 'group_claims')
    finance = create_user('finance', 'group_finance')
    transaction = Transaction()

    with transaction.set_user(service.id), transaction.set_context(
            _check_access=True):
        claim, = Claim.create([{
                    'policy': policy.id,
                    'claimed_amount': D('100.00'),
                    'details': {
                        'theft_report': "Called on behalf of the customer"},
                    }])
        assert claim.source == 'back_office'
        with pytest.raises(AccessError):
            Claim.write([claim], {'claimed_amount': D('1.00')})
    with transaction.set_user(handler.id), transaction.set_context(
            _check_access=True):
        Claim.take([claim])
        assert claim.handler == handler
        Claim.approve([claim])
    with transaction.set_user(finance.id), transaction.set_context(
            _check_access=True):
        assert Claim.search([('id', '=', claim.id)]) == [claim]
        with pytest.raises(AccessError):
            Claim.create([{'policy': policy.id, 'claimed_amount': D(1)}])


@with_transaction()
def test_return_shipping_policy_pays_once_even_by_hand():
    Claim = Pool().get('insurance.claim')
    contract = create_contract(create_channel(), 'RETURN_SHIPPING')
    policy = create_policy(contract)
    first, second = file_claim(policy), file_claim(policy)
    Claim.adjudicate([first])
    assert first.state == 'paid'

    Claim.take([second])
    assert second.approved_amount is None  # nothing remains to suggest
    second.approved_amount = D('0.01')
    with pytest.raises(ClaimValidationError):
        second.save()  # nothing remains of the sum insured
    Claim.write([second], {'state': 'approved'})
    with pytest.raises(SQLConstraintError):
        Claim.write([second], {
                'state': 'paid', 'paid_amount': D('0.01'),
                'paid_at': second.filed_at})


@with_transaction()
def test_copy_is_a_new_unhandled_claim():
    Claim = Pool().get('insurance.claim')
    claim = file_claim(account_security_policy(), None, amount='10.00')
    Claim.take([claim])
    copy, = Claim.copy([claim])
    assert copy.number != claim.number
    assert (copy.state, copy.handler, copy.source) == (
        'submitted', None, 'back_office')
    assert [log.field for log in copy.history] == ['state']

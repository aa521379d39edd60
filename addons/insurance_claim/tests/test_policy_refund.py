"""Cancellation refunds know about the claims paid on the policy."""
from decimal import Decimal

import pytest

from trytond.modules.insurance_base.timezone import china_today
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from .tools import create_channel, create_contract, create_policy, file_claim


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_claim')


def paid_claim_on(policy, amount='100.00'):
    Claim = Pool().get('insurance.claim')
    claim = file_claim(policy, None, amount=amount)
    Claim.take([claim])
    Claim.approve([claim])
    claim.payment_reference = 'BANK-REFUND-TEST'
    claim.save()
    Claim.pay([claim])
    return claim


def account_security_policy(code):
    return create_policy(
        create_contract(create_channel(code), 'ACCOUNT_SECURITY'), 'BASIC')


@with_transaction()
def test_no_refund_once_a_claim_was_paid():
    policy = account_security_policy('REFUNDPAID')
    paid_claim_on(policy)

    assert policy.has_paid_claim()
    assert policy.refund_from(china_today()) == Decimal('0.00')
    assert [c.state for c in policy.claims] == ['paid']


@with_transaction()
def test_an_unpaid_claim_leaves_the_refund():
    policy = account_security_policy('REFUNDOPEN')
    file_claim(policy, None, amount='100.00')

    assert not policy.has_paid_claim()
    assert policy.refund_from(china_today()) > Decimal('0.00')

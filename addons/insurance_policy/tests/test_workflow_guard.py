"""Premiums, numbers, states and refunds of policies change only through
issuance, endorsement, renewal, cancellation and expiry, whatever staff send
over RPC (issue 11, item 1)."""
from decimal import Decimal

import pytest

from trytond.model.exceptions import AccessError
from trytond.modules.insurance_base.exceptions import WorkflowGuardError
from trytond.modules.insurance_channel.tests.tools import create_user
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from .lifecycle_helpers import security_channel, security_policy


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_policy')


@with_transaction()
def test_admin_cannot_change_or_create_policies_over_rpc():
    Policy = Pool().get('insurance.policy')
    policy = security_policy(security_channel())
    premium = policy.premium
    admin = create_user('manager', 'group_insurance_admin')
    with Transaction().set_user(admin.id), check_access():
        for values in [
                {'premium': Decimal('0.01')},
                {'sum_insured': Decimal('1000000.00')},
                {'state': 'cancelled', 'refund': policy.premium},
                {'number': 'P-FORGED'},
                {'ends_at': policy.ends_at.replace(year=2099)},
                ]:
            with pytest.raises(WorkflowGuardError):
                Policy.write([policy], values)
        with pytest.raises(WorkflowGuardError):
            Policy.copy([policy])
        with pytest.raises(WorkflowGuardError):
            Policy.create([{
                        'number': 'P-FORGED',
                        'premium': Decimal('0.01'),
                        'state': 'in_force',
                        }])
        with pytest.raises(AccessError):
            Policy.delete([policy])
        # a client sending the record back unchanged is not refused
        Policy.write([policy], {'premium': premium})
    assert (policy.state, policy.premium) == ('in_force', premium)

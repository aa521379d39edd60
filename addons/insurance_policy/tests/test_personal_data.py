"""Personal data on policies: masked for staff, unmasked on demand by the
roles whose work needs it, each unmasking logged; searched by full value
only (issue 11, item 9)."""
from contextlib import ExitStack

import pytest

from trytond.model.exceptions import AccessButtonError, AccessError
from trytond.modules.insurance_channel.tests.tools import create_user
from trytond.modules.insurance_policy.personal_data import mask
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from .lifecycle_helpers import security_channel, security_policy
from .test_issuance import BUYER

PERSONAL = ['policyholder_id_number', 'policyholder_phone',
    'insured_id_number', 'insured_phone']


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_policy')


def test_mask_keeps_the_first_3_and_last_4_characters():
    assert mask('110101199003071234') == '110***********1234'
    assert mask('13800138000') == '138****8000'
    assert mask('1234567') == '*******'
    assert mask(None) is None


def read_as(user, policy):
    Policy = Pool().get('insurance.policy')
    with Transaction().set_user(user.id), check_access():
        values, = Policy.read([policy.id], PERSONAL)
    return [values[name] for name in PERSONAL]


@with_transaction()
def test_every_role_sees_masked_data_until_it_unmasks():
    pool = Pool()
    Policy = pool.get('insurance.policy')
    Unmasking = pool.get('insurance.policy.unmasking')
    policy = security_policy(security_channel())
    full = [getattr(policy, name) for name in PERSONAL]
    assert full[0] == BUYER.id_number and full[1] == BUYER.phone
    masked = [mask(value) for value in full]

    for role in ['underwriter', 'business', 'finance', 'customer_service',
            'claims', 'insurance_admin']:
        assert read_as(create_user(role, f'group_{role}'), policy) == masked

    service = create_user('service', 'group_customer_service')
    with Transaction().set_user(service.id), check_access():
        Policy.unmask([policy])
    assert read_as(service, policy) == full
    log, = Unmasking.search([('user', '=', service.id)])
    assert log.policy == policy and log.at

    underwriter = create_user('underwriter2', 'group_underwriter')
    with Transaction().set_user(underwriter.id), check_access():
        with pytest.raises(AccessButtonError):
            Policy.unmask([policy])
    assert read_as(underwriter, policy) == masked


@with_transaction()
def test_personal_data_found_by_full_value_only():
    pool = Pool()
    Policy = pool.get('insurance.policy')
    Unmasking = pool.get('insurance.policy.unmasking')
    policy = security_policy(security_channel())
    service = create_user('service', 'group_customer_service')
    with as_staff_request(service):
        assert Policy.search(
            [('policyholder_phone', '=', BUYER.phone)]) == [policy]
        for domain in [
                [('policyholder_phone', 'like', BUYER.phone[:3] + '%')],
                [('insured_id_number', '>', '1')],
                ['OR', ('number', '=', 'X'),
                    ('policyholder_id_number', 'ilike', '%1234')],
                ]:
            with pytest.raises(AccessError):
                Policy.search(domain)
        with pytest.raises(AccessError):
            Policy.search([], order=[('policyholder_phone', 'ASC')])
        # nor through a relation, which trytond converts without checks
        for domain in [
                [('renewed_from.policyholder_phone', 'like', '138%')],
                [('renewed_from', 'where', [('insured_id_number', '>', '1')])],
                ]:
            with pytest.raises(AccessError):
                Policy.search(domain)
        with pytest.raises(AccessError):
            Unmasking.search([], order=[('policy.insured_phone', 'ASC')])
    # the engines, the API and the documents search as they need
    assert Policy.search(
        [('policyholder_phone', 'like', BUYER.phone[:3] + '%')]) == [policy]


def as_staff_request(user):
    "As over sao's JSON-RPC: a request of a user, with access checks"
    stack = ExitStack()
    stack.enter_context(Transaction().set_user(user.id))
    stack.enter_context(Transaction().set_context(_request={}))
    stack.enter_context(check_access())
    return stack

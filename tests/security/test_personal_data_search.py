"""Masked personal data is no search oracle (issue 11, item 9): a role that
sees ID numbers and phones masked cannot learn them a digit at a time by
searching or sorting on them, on policies or through a relation from claims,
over JSON-RPC as sao sends it. A full value still finds its policy."""
import pytest

from ..api.applications import account_security
from .staff import Staff, decimal

# msg_personal_data_search, in the demo staff's language
REFUSAL = "只能按完整号码查找"
# What the policy of the test was issued with (applications.person)
ID_NUMBER = '110101199003071234'
PHONE = '13800138000'


@pytest.fixture(scope='module')
def policy_with_claim(demo_server, demo_database, client_of):
    issued = client_of('ZHIFUPAY').post(
        '/policies', account_security()).json()
    service = Staff(demo_server, demo_database, 'service')
    policy, = service.model(
        'insurance.policy', 'search', [('number', '=', issued['policy_no'])])
    claim, = service.model('insurance.claim', 'create', [{
                'policy': policy, 'claimed_amount': decimal('10.00'),
                'details': {'theft_report': "Stolen, report 2026-18"}}])
    return policy, claim


def refused(staff, model, domain, order=None):
    "Whether searching model on domain (sorted by order) is refused"
    error = staff.error(model, 'search', domain, 0, None, order)
    return error is not None and REFUSAL in str(error)


def prefix_searches(prefix):
    "Domains that tell whether some ID number or phone starts with prefix"
    starts = prefix + '%'
    return [
        ('insurance.policy', [('policyholder_id_number', 'like', starts)]),
        ('insurance.policy', [('insured_id_number', 'ilike', starts)]),
        ('insurance.policy', [('policyholder_phone', '>', prefix)]),
        ('insurance.claim',
            [('policy.policyholder_id_number', 'like', starts)]),
        ('insurance.claim', [('policy.policyholder_phone', '<', prefix)]),
        ('insurance.claim', [('policy', 'where',
                    [('policyholder_id_number', 'like', starts)])]),
        ]


@pytest.mark.parametrize('login', ['finance', 'claims', 'service'])
def test_masked_data_is_no_search_oracle(
        demo_server, demo_database, policy_with_claim, login):
    staff = Staff(demo_server, demo_database, login)
    policy, claim = policy_with_claim
    # the role reads the policy (masked) and the claim: refusals, not a
    # lack of access, are what the test sees
    read, = staff.model('insurance.policy', 'read', [policy],
        ['policyholder_id_number'])
    assert read['policyholder_id_number'] == '110***********1234'
    assert staff.model('insurance.claim', 'search_count',
        [('id', '=', claim)]) == 1

    leaks = [(model, domain) for model, domain in prefix_searches('1101')
        if not refused(staff, model, domain)]
    assert leaks == []
    for model, field in [
            ('insurance.policy', 'policyholder_id_number'),
            ('insurance.claim', 'policy.policyholder_id_number'),
            ('insurance.claim', 'policy.insured_phone')]:
        assert refused(staff, model, [], [(field, 'ASC')]), (model, field)

    # the search box's patterns do not look into them
    for model, domain in [
            ('insurance.policy', [('id', '=', policy)]),
            ('insurance.claim', [('id', '=', claim)])]:
        field = 'rec_name' if model == 'insurance.policy' else 'policy'
        for pattern in [ID_NUMBER[:12] + '%', '%' + PHONE[3:9] + '%']:
            assert staff.model(model, 'search_count',
                [*domain, (field, 'ilike', pattern)]) == 0, (model, pattern)

    # the search box's full value still finds the policy and its claim
    assert staff.model('insurance.policy', 'search_count', [
            ('id', '=', policy),
            ('policyholder_id_number', '=', ID_NUMBER)]) == 1
    assert staff.model('insurance.claim', 'search_count', [
            ('id', '=', claim),
            ('policy.policyholder_phone', '=', PHONE)]) == 1

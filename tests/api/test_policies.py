"""POST /policies (承保) and GET /policies/{policy_no} (查询保单)."""
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

from .applications import account_security, error_code, return_shipping
from .database import policies_on

POLICY_NUMBER = re.compile(r'^P\d{8}\d{10}$')


def issue(client, body=None):
    response = client.post('/policies', body or return_shipping())
    assert response.status_code == 201, response.text
    return response.json()


def test_issue_answers_the_policy(taomall):
    body = return_shipping()
    quote = taomall.post('/quotes', body).json()

    policy = issue(taomall, body)

    assert POLICY_NUMBER.match(policy['policy_no'])
    assert policy['status'] == 'in_force'
    assert policy['product_code'] == 'RETURN_SHIPPING'
    assert policy['product_version'] >= 1
    assert policy['plan_code'] == 'STANDARD'
    for name in ['premium', 'currency', 'sum_insured', 'start', 'end']:
        assert policy[name] == quote[name]
    assert policy['insured']['name'] == "李四"
    assert policy['policyholder']['phone'] == '13800138000'
    assert policy['risk'] == body['risk']
    assert policy['issued_at'].endswith('+08:00')
    assert policy['endorsements'] == []
    assert policy['renewed_from'] is None and policy['refund'] is None


def test_insured_defaults_to_the_policyholder(zhifupay):
    policy = issue(zhifupay, account_security())

    assert policy['insured'] == policy['policyholder']


def test_read_answers_the_issued_policy(taomall):
    policy = issue(taomall)

    response = taomall.get(f"/policies/{policy['policy_no']}")

    assert response.status_code == 200
    assert response.json() == policy


def test_another_channels_policy_does_not_exist(taomall, zhifupay):
    policy = issue(zhifupay, account_security())

    response = taomall.get(f"/policies/{policy['policy_no']}")

    assert response.status_code == 404
    assert error_code(response) == 'NOT_FOUND'


def test_unknown_policy_is_not_found(taomall):
    response = taomall.get('/policies/P000')

    assert response.status_code == 404
    assert error_code(response) == 'NOT_FOUND'


def test_read_needs_the_query_grant(client_of):
    no_query = client_of('NOQUERY')
    policy = issue(no_query)

    response = no_query.get(f"/policies/{policy['policy_no']}")

    assert response.status_code == 403
    assert error_code(response) == 'OPERATION_NOT_AUTHORIZED'


def test_issue_needs_the_issue_grant(client_of):
    response = client_of('QUOTEONLY').post('/policies', return_shipping())

    assert response.status_code == 403
    assert error_code(response) == 'OPERATION_NOT_AUTHORIZED'


def test_second_policy_on_an_order_is_refused(taomall, api_database):
    body = return_shipping()
    first = issue(taomall, body)

    response = taomall.post('/policies', body)

    assert response.status_code == 422
    assert error_code(response) == 'DUPLICATE_POLICY'
    assert policies_on(api_database, body['risk']['order_no']) == [
        first['policy_no']]


def test_second_policy_on_an_account_is_refused(zhifupay):
    body = account_security()
    issue(zhifupay, body)

    response = zhifupay.post('/policies', body)

    assert error_code(response) == 'DUPLICATE_POLICY'


def in_parallel(count, call):
    "Run call(i) for i in range(count) at once; return the results"
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(call, range(count)))


def test_racing_issues_on_one_order_make_one_policy(client_of, api_database):
    body = return_shipping()

    responses = in_parallel(10,
        lambda _: client_of('TAOMALL').post('/policies', body))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [422] * 9
    assert len(policies_on(api_database, body['risk']['order_no'])) == 1


def test_fifty_retries_of_one_key_issue_one_policy(client_of, api_database):
    body, key = return_shipping(), uuid.uuid4().hex

    responses = in_parallel(50, lambda _: client_of('TAOMALL').post(
            '/policies', body, idempotency_key=key))

    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert len(policies_on(api_database, body['risk']['order_no'])) == 1


def test_policy_numbers_are_unique_under_load(client_of):
    policies = in_parallel(16, lambda _: issue(client_of('TAOMALL')))

    assert len({p['policy_no'] for p in policies}) == 16

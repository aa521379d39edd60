"""What ZHIFUPAY, a partner platform, does over the API before staff look:
issue account-security policies (sum insured 1,000.00 on BASIC), change
them, file claims on them."""
import uuid

from trytond.modules.insurance_base.timezone import china_today

from ..api.applications import account_security


def caller_phone():
    "A mobile number that no other test gives"
    return '139' + str(uuid.uuid4().int)[:8]


def account_security_policy(zhifupay, phone=None):
    "A new BASIC account-security policy of ZHIFUPAY, as the API answers it"
    body = account_security()
    if phone:
        body['policyholder'] = {**body['policyholder'], 'phone': phone}
    response = zhifupay.post('/policies', body)
    assert response.status_code == 201, response.text
    return response.json()


def lifecycle(zhifupay, policy_no, action, body):
    "POST an endorsement, renewal or cancellation of policy_no"
    response = zhifupay.post(f'/policies/{policy_no}/{action}', body)
    assert response.status_code in {200, 201}, response.text
    return response.json()


def filed_claim(zhifupay, policy_no, amount, **details):
    "The number of a claim ZHIFUPAY files today on policy_no"
    response = zhifupay.post('/claims', {
            'policy_no': policy_no,
            'incident_date': china_today().isoformat(),
            'claimed_amount': amount,
            'details': details,
            })
    assert response.status_code == 201, response.text
    return response.json()['claim_no']

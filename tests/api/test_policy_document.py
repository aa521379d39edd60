"""GET /policies/{policy_no}/document: the e-policy as a PDF, read as a
partner's customer would (its text copied out, its QR code scanned)."""
import re

from trytond.modules.insurance_base.timezone import china_today
from trytond.modules.insurance_document.tests.tools import pdf_text, qr_codes

from .applications import account_security, return_shipping
from .test_policies import issue


def document(client, number):
    return client.get(f'/policies/{number}/document')


def test_partner_downloads_the_e_policy_of_its_policy(taomall):
    policy = issue(taomall, return_shipping())

    response = document(taomall, policy['policy_no'])

    assert response.status_code == 200, response.text
    assert response.headers['Content-Type'] == 'application/pdf'
    assert policy['policy_no'] in response.headers['Content-Disposition']
    text = re.sub(r'\s+', '', pdf_text(response.content))
    assert policy['policy_no'] in text
    assert "退货运费险" in text and "标准款" in text
    assert policy['risk']['order_no'] in text
    assert "110101********1234" in text and "110101199003071234" not in text
    code, = qr_codes(response.content)
    assert code.startswith(f"policy_no={policy['policy_no']}&code=")
    assert code.rsplit('=', 1)[1] in text


def test_document_of_an_endorsed_policy_shows_the_new_plan(zhifupay):
    policy = issue(zhifupay, account_security())
    endorsed = zhifupay.post(f"/policies/{policy['policy_no']}/endorsements",
        {'plan_code': 'ADVANCED',
            'effective_date': china_today().isoformat()})
    assert endorsed.status_code == 201, endorsed.text

    text = re.sub(r'\s+', '', pdf_text(
            document(zhifupay, policy['policy_no']).content))

    assert "高级保障" in text and "10,000.00" in text
    assert endorsed.json()['endorsement_no'] in text


def test_another_channels_or_unknown_policy_answers_404(taomall, zhifupay):
    policy = issue(taomall, return_shipping())

    for client, number in [(zhifupay, policy['policy_no']),
            (taomall, 'P00000000000000000'), (taomall, 'not a number')]:
        response = document(client, number)
        assert response.status_code == 404, response.text
        assert response.headers['Content-Type'] == 'application/json'
        assert response.json()['error']['code'] == 'NOT_FOUND'


def test_document_needs_a_key(client_of, taomall):
    policy = issue(taomall, return_shipping())

    response = document(client_of(None), policy['policy_no'])

    assert response.status_code == 401
    assert response.json()['error']['code'] == 'UNAUTHENTICATED'


def test_openapi_describes_the_pdf(api_server, taomall):
    spec = taomall.session.get(api_server + '/api/v1/openapi.json').json()

    operation = spec['paths']['/policies/{policy_no}/document']['get']

    content = operation['responses']['200']['content']
    assert content == {'application/pdf': {'schema': {
                'type': 'string', 'format': 'binary',
                'contentMediaType': 'application/pdf'}}}
    assert {'401', '403', '404'} <= set(operation['responses'])

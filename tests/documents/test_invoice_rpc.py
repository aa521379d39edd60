"""Invoice requests through the back office's JSON-RPC, as sao sends them:
two recorded at the same moment for one policy cannot both pass."""
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from ..api.applications import return_shipping
from ..scale.backoffice import BackOffice

CALLERS = 4


def test_invoice_requests_at_once_for_one_policy_record_one(
        demo_server, demo_database, taomall):
    issued = taomall.post('/policies', return_shipping())
    assert issued.status_code == 201, issued.text
    offices = [BackOffice(demo_server, demo_database, 'service', 'demo2026')
        for _ in range(CALLERS)]
    policy_id, = offices[0].model('insurance.policy', 'search',
        [('number', '=', issued.json()['policy_no'])], 0, None, None)
    start = Barrier(CALLERS)

    def record(office):
        start.wait()
        try:
            office.model('insurance.invoice.request', 'create', [{
                        'policy': policy_id, 'title': "张三",
                        'email': 'zhangsan@example.com'}])
        except AssertionError as refusal:
            return str(refusal)
        return 'recorded'

    with ThreadPoolExecutor(CALLERS) as pool:
        outcomes = list(pool.map(record, offices))

    assert outcomes.count('recorded') == 1, outcomes
    for refusal in outcomes:
        assert refusal == 'recorded' or "只能开票一次" in refusal, refusal
    requests = offices[0].model('insurance.invoice.request', 'search_read',
        [('policy', '=', policy_id)], 0, None, None, ['state', 'amount'])
    assert [r['state'] for r in requests] == ['requested']

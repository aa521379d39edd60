"""The seed's traffic mix against the partner API.

Each iteration of a partner is one sale: 2 quotes, 1 issue, 1 read of the
issued policy and, one time in two, a claim on it (seed 1: per issue 2 quotes,
1 query, 0.5 claims). The issue rate is users × ISSUES_PER_USER per second.

    locust -f bench/locustfile.py --headless -H http://127.0.0.1:8000 \
        -u 4 -r 4 -t 60s
Environment: BENCH_API_KEY (default: the demo TAOMALL key), BENCH_CLAIMS=0 to
leave claims out, BENCH_ISSUES_PER_USER (default 0.5).
"""
import datetime
import itertools
import os
import random
import uuid

from locust import constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

API_KEY = os.environ.get(
    'BENCH_API_KEY', 'ick_demo_taomall_0123456789abcdefghijklmnopqrstuv')
WITH_CLAIMS = os.environ.get('BENCH_CLAIMS', '1') != '0'
ISSUES_PER_USER = float(os.environ.get('BENCH_ISSUES_PER_USER', '0.5'))
RUN = uuid.uuid4().hex[:8]
_orders = itertools.count()

CATEGORIES = ['apparel', 'shoes', 'electronics', 'home']
BANDS = ['A', 'B', 'C']


def new_request_body():
    order_no = f'BENCH{RUN}{next(_orders):09d}'
    today = datetime.date.today().isoformat()
    return {
        'product_code': 'RETURN_SHIPPING',
        'plan_code': random.choice(['STANDARD', 'PLUS']),
        'effective_date': today,
        'policyholder': {
            'name': '张三', 'id_type': 'ID_CARD',
            'id_no': '110101199003077777', 'phone': '13800138000'},
        'risk': {
            'order_no': order_no,
            'order_amount': f'{random.randint(20, 2000)}.00',
            'goods_category': random.choice(CATEGORIES),
            'return_rate_band': random.choice(BANDS),
            'buyer_id': 'b-1', 'seller_id': 's-9',
            'shipping_tracking_no': 'SF' + order_no},
        }


class PartnerPlatform(FastHttpUser):
    wait_time = constant_throughput(ISSUES_PER_USER)

    def post(self, path, body, name):
        return self.client.post(
            path, json=body, name=name, headers={
                'Authorization': f'Bearer {API_KEY}',
                'Idempotency-Key': uuid.uuid4().hex,
                })

    @task
    def sell_one_policy(self):
        body = new_request_body()
        self.post('/api/v1/quotes', body, 'POST /quotes')
        self.post('/api/v1/quotes', body, 'POST /quotes')
        response = self.post('/api/v1/policies', body, 'POST /policies')
        if response.status_code != 201:
            return
        policy_no = response.json()['policy_no']
        self.client.get(
            f'/api/v1/policies/{policy_no}', name='GET /policies/{no}',
            headers={'Authorization': f'Bearer {API_KEY}'})
        if WITH_CLAIMS and random.random() < 0.5:
            self.post('/api/v1/claims', {
                    'policy_no': policy_no,
                    'incident_date': body['effective_date'],
                    'claimed_amount': '12.00',
                    'details': {'return_tracking_no': 'SF9' + policy_no},
                    }, 'POST /claims')

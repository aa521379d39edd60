"""A partner platform calling the API over HTTP."""
import uuid

import requests

# scripts/demo_data.py installs these fixed keys in demo databases
DEMO_KEYS = {
    'TAOMALL': 'ick_demo_taomall_0123456789abcdefghijklmnopqrstuv',
    'ZHIFUPAY': 'ick_demo_zhifupay_0123456789abcdefghijklmnopqrstu',
    }


class Client:
    "A partner platform calling the API with its key"

    def __init__(self, base_url, key=None):
        self.base_url = base_url + '/api/v1'
        self.key = key
        self.session = requests.Session()

    def headers(self, idempotency_key=None, **extra):
        headers = {}
        if self.key:
            headers['Authorization'] = f'Bearer {self.key}'
        if idempotency_key:
            headers['Idempotency-Key'] = idempotency_key
        headers.update(extra)
        return headers

    def get(self, path, **headers):
        return self.session.get(self.base_url + path,
            headers=self.headers(**headers), timeout=30)

    def post(self, path, body, idempotency_key='new', **headers):
        "POST body as JSON with a fresh idempotency key unless given one"
        if idempotency_key == 'new':
            idempotency_key = uuid.uuid4().hex
        return self.session.post(self.base_url + path, json=body,
            headers=self.headers(idempotency_key, **headers), timeout=60)

    def post_raw(self, path, data, content_type='application/json',
            idempotency_key='raw', **headers):
        headers = self.headers(idempotency_key, **headers)
        headers['Content-Type'] = content_type
        return self.session.post(self.base_url + path, data=data,
            headers=headers, timeout=60)

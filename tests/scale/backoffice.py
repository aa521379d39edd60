"""The back office's JSON-RPC, as sao speaks it."""
import base64

import requests

from ..server import ADMIN_PASSWORD


class BackOffice:

    def __init__(self, base_url, database, login='admin',
            password=ADMIN_PASSWORD):
        self.url = f'{base_url}/{database}/rpc/'
        self.session = requests.Session()
        user_id, token, _ = self.call(
            'common.db.login', login, {'password': password}, 'en')
        credentials = f'{login}:{user_id}:{token}'.encode()
        self.session.headers['Authorization'] = (
            'Session ' + base64.b64encode(credentials).decode())

    def call(self, method, *params):
        response = self.session.post(self.url, json={
                'id': 1, 'method': method, 'params': list(params)},
            timeout=60)
        response.raise_for_status()
        answer = response.json()
        assert 'error' not in answer, answer
        return answer['result']

    def model(self, name, method, *params):
        return self.call(f'model.{name}.{method}', *params, {})

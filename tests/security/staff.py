"""A staff member of the demo data calling the back office's JSON-RPC."""
from decimal import Decimal

from ..scale.backoffice import BackOffice

STAFF_PASSWORD = 'demo2026'


def decimal(value):
    "A Decimal as trytond's JSON-RPC carries it"
    return {'__class__': 'Decimal', 'decimal': str(Decimal(value))}


class Staff(BackOffice):

    def __init__(self, base_url, database, login):
        super().__init__(base_url, database, login, STAFF_PASSWORD)

    def error(self, model, method, *params):
        "The error model.method answers, or None when it succeeds"
        response = self.session.post(self.url, json={
                'id': 1, 'method': f'model.{model}.{method}',
                'params': [*params, {}]},
            timeout=60)
        response.raise_for_status()
        return response.json().get('error')

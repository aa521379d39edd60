"""Every field has a documented maximum length and range, enforced before
the database: bad input answers the contract's 4xx, never 5xx, and nothing
is stored (issue 11, item 3)."""
import pytest
import requests

from .applications import (
    account_security,
    detail_fields,
    error_code,
    return_shipping,
)

OUT_OF_RANGE_DATES = ['9999-12-31', '0001-01-01', '1899-12-31', '2101-01-01']


def refused(response, field):
    assert response.status_code == 400, response.text
    assert error_code(response) == 'INVALID_REQUEST'
    assert field in detail_fields(response)


@pytest.mark.parametrize('day', OUT_OF_RANGE_DATES)
def test_dates_out_of_range_are_refused(taomall, day):
    for path in ['/quotes', '/policies']:
        response = taomall.post(path, return_shipping() | {
                'effective_date': day})
        refused(response, 'effective_date')


@pytest.mark.parametrize('length', [65, 2700, 8000, 100000])
def test_long_risk_strings_are_refused(taomall, length):
    body = return_shipping(order_no='T' * length)
    refused(taomall.post('/policies', body), 'risk.order_no')
    body = return_shipping(comment='x' * length)
    refused(taomall.post('/quotes', body), 'risk.comment')


def test_numbers_and_amounts_are_bounded(taomall):
    refused(taomall.post('/quotes', return_shipping(order_amount=10 ** 16)),
        'risk.order_amount')


def test_nul_in_a_path_is_not_found(taomall, api_server):
    for path in ['/claims/%00', '/policies/%00', '/policies/P%00X/document',
            '/claims/' + 'C' * 65]:
        response = taomall.get(path)
        assert response.status_code == 404, (path, response.text)
        assert error_code(response) == 'NOT_FOUND'


def test_a_valid_limit_passes(zhifupay):
    response = zhifupay.post('/policies', account_security('A' * 64))
    assert response.status_code == 201, response.text


def test_every_request_field_is_bounded_in_the_document(api_server):
    document = requests.get(
        api_server + '/api/v1/openapi.json', timeout=30).json()
    unbounded = []
    for path, operations in document['paths'].items():
        for method, operation in operations.items():
            for parameter in operation.get('parameters', []):
                check(parameter['schema'], document, unbounded,
                    f'{method} {path} {parameter["name"]}')
            body = operation.get('requestBody')
            if body:
                schema = body['content']['application/json']['schema']
                check(schema, document, unbounded, f'{method} {path}')
    assert unbounded == []


def check(schema, document, unbounded, where, seen=()):
    "Add to unbounded the places of schema that accept unbounded input"
    if '$ref' in schema:
        name = schema['$ref'].rsplit('/', 1)[1]
        if name not in seen:
            check(document['components']['schemas'][name], document,
                unbounded, where, (*seen, name))
        return
    for key in ['anyOf', 'oneOf', 'allOf']:
        for option in schema.get(key, []):
            check(option, document, unbounded, where, seen)
    kinds = schema.get('type')
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if 'string' in kinds and not (
            {'maxLength', 'enum', 'const'} & schema.keys()
            or schema.get('format') == 'date' and 'pattern' in schema):
        unbounded.append(where)
    if ('number' in kinds or 'integer' in kinds) and not (
            {'maximum', 'enum', 'const'} & schema.keys()):
        unbounded.append(where)
    if 'array' in kinds and 'maxItems' not in schema:
        unbounded.append(where)
    if 'object' in kinds:
        for name, value in schema.get('properties', {}).items():
            check(value, document, unbounded, f'{where}.{name}', seen)
        extra = schema.get('additionalProperties')
        if isinstance(extra, dict):
            if 'maxProperties' not in schema:
                unbounded.append(where)
            check(extra, document, unbounded, f'{where}.*', seen)
            check(schema.get('propertyNames', {}), document, unbounded,
                f'{where} keys', seen)

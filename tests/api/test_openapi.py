"""The OpenAPI document describes what runs; the docs page is served."""
import pytest
import requests

EXPECTED_OPERATIONS = {
    ('/quotes', 'post'), ('/policies', 'post'),
    ('/policies/{policy_no}', 'get'), ('/health', 'get'),
    ('/openapi.json', 'get')}


@pytest.fixture(scope='module')
def document(api_server):
    response = requests.get(api_server + '/api/v1/openapi.json', timeout=10)
    assert response.status_code == 200
    return response.json()


def operations(document):
    return {(path, method): spec
        for path, methods in document['paths'].items()
        for method, spec in methods.items()}


def test_document_is_openapi_3_1_with_every_operation(document):
    assert document['openapi'].startswith('3.1')
    assert EXPECTED_OPERATIONS <= set(operations(document))


def test_every_error_answer_has_the_error_schema(document):
    for (path, method), spec in operations(document).items():
        for status, answer in spec['responses'].items():
            if int(status) >= 400 and path != '/health':
                schema = answer['content']['application/json']['schema']
                assert schema == {'$ref': '#/components/schemas/Error'}, (
                    path, method, status)


def test_write_operations_require_an_idempotency_key(document):
    for (_, method), spec in operations(document).items():
        names = {p['name'] for p in spec['parameters'] if p['in'] == 'header'}
        assert ('Idempotency-Key' in names) == (method in {'post', 'patch'})


def test_every_reference_resolves(document):
    schemas = document['components']['schemas']

    def references(node):
        if isinstance(node, dict):
            if '$ref' in node:
                yield node['$ref']
            for value in node.values():
                yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)
    for reference in references(document):
        assert reference.rsplit('/', 1)[-1] in schemas, reference


def test_docs_page_and_assets_are_served_locally(api_server):
    page = requests.get(api_server + '/api/v1/docs', timeout=10)
    bundle = requests.get(
        api_server + '/api/v1/docs/assets/swagger-ui-bundle.js', timeout=10)

    assert page.status_code == 200
    assert 'swagger-ui' in page.text and 'https://' not in page.text
    assert bundle.status_code == 200
    assert 'javascript' in bundle.headers['Content-Type']


def test_docs_assets_do_not_escape_their_folder(api_server):
    response = requests.get(
        api_server + '/api/v1/docs/assets/..%2f..%2fpackage.json', timeout=10)

    assert response.status_code == 404

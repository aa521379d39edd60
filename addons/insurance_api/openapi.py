"""The OpenAPI 3.1 document, generated from the endpoints and their models.

Paths are sorted, and so are the operations of a path (GET, POST, PUT,
PATCH, DELETE): the document does not depend on the order in which the
resources' modules were imported.
"""
from http import HTTPStatus

from pydantic.json_schema import models_json_schema

from .endpoint import ENDPOINTS
from .errors import ERROR_CODES
from .middleware import API_PREFIX
from .schemas import Error

REF = '#/components/schemas/{model}'
TITLE = "Insurance partner API"
VERSION = '1.0.0'
REQUEST_ID_HEADER = {
    'description': "Echoes a sane X-Request-Id of the request or is "
    "generated",
    'schema': {'type': 'string'},
    }
RETRY_AFTER_HEADER = {
    'description': "Seconds to wait before retrying",
    'schema': {'type': 'string', 'pattern': r'^\d+$'},
    }
# Any endpoint working in the database may answer this.
DATABASE_ERRORS = ('SERVICE_UNAVAILABLE',)
METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

_document = None


def document():
    "Return the OpenAPI document (built once)"
    global _document
    if _document is None:
        _document = build_document()
    return _document


def build_document():
    schemas = component_schemas()
    paths = {}
    for endpoint in sorted(ENDPOINTS, key=lambda e: (
                e.path, METHOD_ORDER.index(e.method))):
        operations = paths.setdefault(endpoint.path, {})
        operations[endpoint.method.lower()] = operation(endpoint)
    return {
        'openapi': '3.1.0',
        'info': {
            'title': TITLE,
            'version': VERSION,
            'description': "The insurer's JSON API for partner platforms. "
            "Money is a decimal string with two places in CNY; times are "
            "ISO 8601 with the +08:00 offset.",
            },
        'servers': [{'url': API_PREFIX}],
        'paths': paths,
        'components': {
            'schemas': schemas,
            'securitySchemes': {
                'apiKey': {
                    'type': 'http', 'scheme': 'bearer',
                    'description': "The channel's API key",
                    },
                },
            },
        }


def component_schemas():
    models = {(Error, 'serialization')}
    for endpoint in ENDPOINTS:
        if endpoint.body:
            models.add((endpoint.body, 'validation'))
        for model in (endpoint.response, *endpoint.responses.values()):
            if model:
                models.add((model, 'serialization'))
    _, schema = models_json_schema(
        sorted(models, key=lambda m: m[0].__name__), ref_template=REF)
    return schema.get('$defs', {})


def operation(endpoint):
    spec = {
        'operationId': endpoint.handler.__name__,
        'summary': endpoint.summary,
        'parameters': parameters(endpoint),
        'responses': responses(endpoint),
        }
    if endpoint.description:
        spec['description'] = endpoint.description
    if endpoint.tags:
        spec['tags'] = list(endpoint.tags)
    spec['security'] = [{'apiKey': []}] if endpoint.authenticated else []
    if endpoint.body:
        spec['requestBody'] = {
            'required': True,
            'content': {'application/json': {
                    'schema': ref(endpoint.body)}},
            }
    return spec


def parameters(endpoint):
    found = [{
            'name': name, 'in': 'path', 'required': True,
            'schema': {'type': 'string', 'minLength': 1, 'maxLength': 64},
            } for name in path_parameters(endpoint.path)]
    if endpoint.idempotent:
        found.append({
                'name': 'Idempotency-Key', 'in': 'header', 'required': True,
                'description': "Replays the first answer of the key; "
                "kept at least 7 days",
                'schema': {
                    'type': 'string', 'minLength': 1, 'maxLength': 64,
                    'pattern': r'^[\x20-\x7e]+$'},
                })
    return found


def path_parameters(path):
    return [part[1:-1] for part in path.split('/')
        if part.startswith('{') and part.endswith('}')]


def responses(endpoint):
    success = answer(HTTPStatus(endpoint.status).phrase, endpoint.response,
        media_type=endpoint.media_type)
    if endpoint.links:
        success['links'] = endpoint.links
    found = {str(endpoint.status): success}
    for status, model in endpoint.responses.items():
        found[str(status)] = answer(HTTPStatus(status).phrase, model)
    for status, codes in error_statuses(endpoint).items():
        if str(status) in found:
            continue
        found[str(status)] = answer(
            "Error " + ', '.join(codes), Error,
            retry_after=status == HTTPStatus.TOO_MANY_REQUESTS)
    return dict(sorted(found.items()))


def error_statuses(endpoint):
    statuses = {}
    codes = endpoint.all_errors
    if endpoint.transactional:
        codes += DATABASE_ERRORS
    for code in codes:
        status = int(ERROR_CODES[code][0])
        statuses.setdefault(status, []).append(code)
    return dict(sorted(statuses.items()))


def answer(description, model, retry_after=False,
        media_type='application/json'):
    headers = {'X-Request-Id': REQUEST_ID_HEADER}
    if retry_after:
        headers['Retry-After'] = RETRY_AFTER_HEADER
    if media_type == 'application/json':
        schema = ref(model)
    else:  # a file, such as a PDF
        schema = {'type': 'string', 'format': 'binary',
            'contentMediaType': media_type}
    return {
        'description': description,
        'headers': headers,
        'content': {media_type: {'schema': schema}},
        }


def ref(model):
    if model is None:
        return {'type': 'object'}
    return {'$ref': REF.format(model=model.__name__)}

"""The envelope of every answer under /api/v1.

It gives each answer an X-Request-Id (a sane incoming one is echoed) and
turns what trytond or werkzeug answer on their own (unknown route, wrong
method, CORS refusal, an unexpected exception) into the contract's error
body, so that no answer under the API leaves in another shape.
"""
import json
import logging
import re
import uuid

from werkzeug.exceptions import HTTPException

from .errors import status_error

API_PREFIX = '/api/v1'
REQUEST_ID_ENVIRON = 'insurance.request_id'
SANE_REQUEST_ID = re.compile(r'[A-Za-z0-9._:\-]{1,128}\Z')
# Headers worth keeping when an error body is replaced
KEPT_HEADERS = {'allow', 'retry-after', 'www-authenticate'}

logger = logging.getLogger(__name__)


def request_id_of(environ):
    incoming = environ.get('HTTP_X_REQUEST_ID', '')
    if SANE_REQUEST_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def is_json(headers):
    return any(name.lower() == 'content-type' and 'json' in value
        for name, value in headers)


def only_preflight_allowed(headers):
    allowed = {method.strip().upper()
        for name, value in headers if name.lower() == 'allow'
        for method in value.split(',')}
    return bool(allowed) and allowed <= {'OPTIONS', 'HEAD'}


class ApiEnvelope:

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if not environ.get('PATH_INFO', '').startswith(API_PREFIX):
            return self.app(environ, start_response)
        request_id = environ[REQUEST_ID_ENVIRON] = request_id_of(environ)
        status, headers, body = self.answer(environ)
        if int(status.split()[0]) >= 400 and not is_json(headers):
            status, headers, body = self.error_answer(status, headers)
        headers = [(name, value) for name, value in headers
            if name.lower() not in {'x-request-id', 'content-length'}]
        headers += [
            ('X-Request-Id', request_id),
            ('Content-Length', str(len(body))),
            ]
        start_response(status, headers)
        return [body]

    def answer(self, environ):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return chunks.append
        chunks = []
        try:
            iterable = self.app(environ, capture)
            try:
                chunks.extend(iterable)
            finally:
                if hasattr(iterable, 'close'):
                    iterable.close()
        except HTTPException as exception:
            # trytond refuses some requests (CORS) before any route runs
            return f'{exception.code} {exception.name.upper()}', [], b''
        except Exception:
            logger.exception("Unexpected error under %s", API_PREFIX)
            return '500 INTERNAL SERVER ERROR', [], b''
        return captured['status'], captured['headers'], b''.join(chunks)

    def error_answer(self, status, headers):
        if only_preflight_allowed(headers):
            # trytond answers OPTIONS on every path: a path where nothing
            # else is allowed does not exist in the API.
            status = '404 NOT FOUND'
            headers = []
        error = status_error(int(status.split()[0]))
        headers = [(name, value) for name, value in headers
            if name.lower() in KEPT_HEADERS]
        headers.append(('Content-Type', 'application/json'))
        body = json.dumps(error.body).encode()
        return status, headers, body


def install(wsgi):
    "Wrap the WSGI application of trytond once"
    if not isinstance(wsgi.wsgi_app, ApiEnvelope):
        wsgi.wsgi_app = ApiEnvelope(wsgi.wsgi_app)

"""The back office's login page offers the served database only.

sao asks `common.db.list` which databases to offer at login. trytond would
open every database of the PostgreSQL server to answer (seconds once test
databases pile up) and tell any visitor their names. This server serves one
database (api_database_name): that is the whole list, so sao shows it filled
in and read-only. trytond's own list stays disabled (`[database] list = False`
in config/trytond.conf) for a server that names no database.
"""
import io
import json

from .database import api_database_name

ROOT_RPC = '/rpc/'
LIST_METHOD = 'common.db.list'
# What sao posts to /rpc/ is tiny (version, database list, login services)
MAX_BODY = 4096


class ServedDatabaseList:

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        request = root_rpc_request(environ)
        database = api_database_name()
        if request.get('method') != LIST_METHOD or not database:
            return self.app(environ, start_response)
        answer = json.dumps(
            {'id': request.get('id'), 'result': [database]}).encode()
        start_response('200 OK', [
                ('Content-Type', 'application/json'),
                ('Content-Length', str(len(answer))),
                ])
        return [answer]


def root_rpc_request(environ):
    "The JSON-RPC request posted to /rpc/ (left readable for trytond) or {}"
    if (environ.get('PATH_INFO') != ROOT_RPC
            or environ.get('REQUEST_METHOD') != 'POST'):
        return {}
    try:
        length = int(environ.get('CONTENT_LENGTH') or 0)
    except ValueError:
        return {}
    if not 0 < length <= MAX_BODY:
        return {}
    body = environ['wsgi.input'].read(length)
    environ['wsgi.input'] = io.BytesIO(body)
    try:
        request = json.loads(body)
    except ValueError:
        return {}
    return request if isinstance(request, dict) else {}


def install(wsgi):
    "Wrap the WSGI application of trytond once"
    if not isinstance(wsgi.wsgi_app, ServedDatabaseList):
        wsgi.wsgi_app = ServedDatabaseList(wsgi.wsgi_app)

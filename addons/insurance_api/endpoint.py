"""Declaring an endpoint of the partner API, and serving it.

`endpoint(...)` registers a handler on trytond's WSGI application and in
ENDPOINTS, from which the OpenAPI document is generated. Serving a request
runs, in one short transaction as user 0: authentication, rate limit,
idempotency (POST and PATCH) and the handler. The transaction is trytond's
own (protocols.wrappers.with_transaction), as for its RPC: it is read-only
for GET, restarted on a serialisation failure (up to [database] retry
times) and restarted with the rows locked when a handler calls
ModelSQL.lock.
"""
import json
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property

from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from trytond import backend
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import ratelimit
from .auth import authenticate
from .database import (
    RETRY_AFTER,
    api_database_name,
    bound_waits,
    reconnecting,
)
from .errors import ApiError, validation_details
from .idempotency import Answer, fingerprint, valid_key
from .middleware import API_PREFIX
from .schemas import DOCUMENT_NUMBER

logger = logging.getLogger(__name__)

WRITE_METHODS = {'POST', 'PATCH', 'PUT', 'DELETE'}
AUTHENTICATION_ERRORS = (
    'UNAUTHENTICATED', 'CHANNEL_CLOSED', 'IP_NOT_ALLOWED', 'RATE_LIMITED')
IDEMPOTENCY_ERRORS = ('IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_KEY_REUSED')
BODY_ERRORS = (
    'INVALID_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE')

ENDPOINTS = []


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # OpenAPI template under API_PREFIX: /policies/{policy_no}
    summary: str
    handler: object
    status: int = 200
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    authenticated: bool = True
    errors: tuple[str, ...] = ()
    description: str = ''
    tags: tuple[str, ...] = field(default_factory=tuple)
    # False for the endpoints that need no database or manage their own
    transactional: bool = True
    # True when the handler refuses (raises ApiError) before it changes
    # anything: its refusal is recorded without a savepoint around it
    refuses_first: bool = False
    # Further documented answers: {status: model}
    responses: dict = field(default_factory=dict)
    # OpenAPI links of the success answer to other operations
    links: dict = field(default_factory=dict)
    # The type of the success answer; errors are always JSON
    media_type: str = 'application/json'

    @property
    def idempotent(self):
        return self.authenticated and self.method in WRITE_METHODS

    @property
    def all_errors(self):
        errors = list(self.errors)
        if self.authenticated:
            errors += AUTHENTICATION_ERRORS
        if self.idempotent:
            errors += IDEMPOTENCY_ERRORS
        if self.body:
            errors += BODY_ERRORS
        return tuple(dict.fromkeys(errors))

    @property
    def werkzeug_rule(self):
        return API_PREFIX + self.path.replace('{', '<').replace('}', '>')


def endpoint(method, path, **options):
    "Declare the decorated function as the handler of method on path"
    def decorator(handler):
        declared = Endpoint(method, path, handler=handler, **options)
        ENDPOINTS.append(declared)

        def view(request, **path_args):
            return serve(declared, request, path_args)
        view.__name__ = handler.__name__
        app.route(declared.werkzeug_rule, methods=[method])(view)
        return handler
    return decorator


class ApiCall:
    "One request to an endpoint, as its handler sees it"

    def __init__(self, endpoint, request, path_args):
        self.endpoint = endpoint
        self.request = request
        self.path_args = path_args
        self.channel = None
        self.rate_charged = False

    @cached_property
    def raw_body(self):
        "The body as UTF-8 JSON text, not yet parsed"
        if self.request.mimetype != 'application/json':
            raise ApiError('UNSUPPORTED_MEDIA_TYPE')
        try:
            raw = self.request.get_data(cache=True)
        except RequestEntityTooLarge:
            raise ApiError('PAYLOAD_TOO_LARGE') from None
        try:
            raw.decode('utf-8')
        except UnicodeDecodeError:
            raise invalid_request('body', "The body is not UTF-8.") from None
        return raw

    @cached_property
    def body(self):
        "The body parsed and validated by the endpoint's model"
        try:
            return self.endpoint.body.model_validate_json(self.raw_body)
        except ValidationError as error:
            raise ApiError('INVALID_REQUEST',
                details=validation_details(error)) from error

    @cached_property
    def request_hash(self):
        "Identifies what the request asks, whatever the JSON spelling"
        asked = None
        if self.endpoint.body:
            asked = self.body.model_dump(mode='json')
        return fingerprint(self.endpoint.method, self.request.path, asked)

    @cached_property
    def idempotency_key(self):
        key = self.request.headers.get('Idempotency-Key')
        if not valid_key(key):
            raise ApiError('IDEMPOTENCY_KEY_REQUIRED')
        return key

    def charge_rate(self):
        "Count the request once against the channel's rate limit"
        if not self.rate_charged:
            self.rate_charged = True
            ratelimit.check(self.channel.channel_id,
                self.channel.rate_limit)


def invalid_request(field, message):
    return ApiError('INVALID_REQUEST',
        details=[{'field': field, 'message': message}])


def serve(endpoint, request, path_args):
    call = ApiCall(endpoint, request, path_args)
    try:
        if endpoint.transactional:
            answer = answer_in_transaction(call)
        else:
            answer = produce(call)
    except ApiError as error:
        answer = Answer.of_error(error)
    except Exception:
        logger.exception("Unexpected error answering %s", request)
        answer = Answer.of_error(ApiError('INTERNAL_ERROR'))
    content_type = (endpoint.media_type if answer.status == endpoint.status
        else 'application/json')
    return Response(answer.body, status=answer.status,
        headers=list(answer.headers), content_type=content_type)


def answer_in_transaction(call):
    database = api_database_name()
    if not database:
        raise ApiError('SERVICE_UNAVAILABLE')
    try:
        return reconnecting(execute_in_transaction, call.request,
            database_pool(database), call)
    except backend.DatabaseOperationalError:
        # Serialisation failures or locks still held after trytond's
        # retries: the partner may retry
        logger.warning("Giving up %s", call.request, exc_info=True)
        raise ApiError('SERVICE_UNAVAILABLE',
            headers={'Retry-After': str(RETRY_AFTER)}) from None


def database_pool(name):
    "The pool of database name, loaded on first use (as with_pool does)"
    bound_waits(name)
    loaded = name in Pool.database_list()
    pool = Pool(name)
    if not loaded:
        with Transaction().start(name, 0, readonly=True):
            pool.init()
    return pool


@with_transaction()
def execute_in_transaction(request, pool, call):
    # A request holding the idempotency key of another running one fails to
    # serialise and is restarted: it then replays the other's answer.
    return execute(call)


def execute(call):
    """Answer call in the current transaction and commit it

    The statements go to PostgreSQL in pipeline mode: BEGIN travels with
    the first statement and COMMIT with the last change, and a statement
    waits for the server only when its results are read."""
    transaction = Transaction()
    with transaction.connection.pipeline():
        answer = answer_call(call)
        transaction.commit()
    return answer


def answer_call(call):
    endpoint = call.endpoint
    if endpoint.authenticated:
        call.channel = authenticate(call.request)
        call.charge_rate()
    check_path_arguments(call)
    if not endpoint.idempotent:
        return produce(call)
    key = call.idempotency_key
    Record = Pool().get('insurance.api.idempotency')
    return Record.answer(call.channel.channel_id, key, endpoint.method,
        call.request.path, call.request_hash, lambda: produce(call),
        savepoint=not endpoint.refuses_first)


def check_path_arguments(call):
    "A number that cannot exist is not looked for (nor a NUL sent to SQL)"
    for value in call.path_args.values():
        if not re.fullmatch(DOCUMENT_NUMBER, value):
            raise ApiError('NOT_FOUND')


def produce(call):
    "Run the handler; return its Answer"
    endpoint = call.endpoint
    result = endpoint.handler(call)
    if isinstance(result, Answer):
        return result
    if isinstance(result, BaseModel):
        body = result.model_dump_json().encode()
    else:
        body = json.dumps(result, ensure_ascii=False).encode()
    return Answer(endpoint.status, body)

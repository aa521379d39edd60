"""The contract's error body and every code the partner API answers with.

Every refusal is an ApiError, answered as {"error": {"code", "message",
"details"}} with the HTTP status of its code. All codes are declared here, so
the OpenAPI document does not depend on which module was imported first.
"""
from http import HTTPStatus

from trytond.modules.insurance_claim.exceptions import ClaimError
from trytond.modules.insurance_policy.exceptions import IssuanceError

# code: (HTTP status, default message)
ERROR_CODES = {
    'INVALID_REQUEST': (HTTPStatus.BAD_REQUEST, "The request is invalid."),
    'IDEMPOTENCY_KEY_REQUIRED': (
        HTTPStatus.BAD_REQUEST,
        "An Idempotency-Key header of 1 to 64 printable ASCII characters "
        "is required."),
    'UNAUTHENTICATED': (
        HTTPStatus.UNAUTHORIZED, "A valid API key is required."),
    'CHANNEL_CLOSED': (HTTPStatus.FORBIDDEN, "The channel is closed."),
    'IP_NOT_ALLOWED': (
        HTTPStatus.FORBIDDEN,
        "The client address is not on the channel's allowlist."),
    'OPERATION_NOT_AUTHORIZED': (
        HTTPStatus.FORBIDDEN,
        "The channel's contract does not grant this operation."),
    'PLAN_NOT_AUTHORIZED': (
        HTTPStatus.FORBIDDEN,
        "The channel's contract does not grant this plan."),
    'FORBIDDEN': (HTTPStatus.FORBIDDEN, "The request is forbidden."),
    'NOT_FOUND': (HTTPStatus.NOT_FOUND, "Not found."),
    'METHOD_NOT_ALLOWED': (
        HTTPStatus.METHOD_NOT_ALLOWED,
        "The method is not allowed on this path."),
    'IDEMPOTENCY_KEY_REUSED': (
        HTTPStatus.CONFLICT,
        "The idempotency key was already used with another request."),
    'POLICY_NOT_IN_FORCE': (
        HTTPStatus.CONFLICT, "The policy is not in force."),
    'ALREADY_RENEWED': (
        HTTPStatus.CONFLICT, "The policy is already renewed."),
    'CLAIM_FINAL': (
        HTTPStatus.CONFLICT,
        "The claim is paid or closed and can no longer be updated."),
    'PAYLOAD_TOO_LARGE': (
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The body exceeds 1 MiB."),
    'UNSUPPORTED_MEDIA_TYPE': (
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        "The body must be JSON (Content-Type: application/json)."),
    'RULE_VIOLATION': (
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "The request breaks underwriting rules."),
    'PRODUCT_WITHDRAWN': (
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "The product is withdrawn and accepts no new business."),
    'DUPLICATE_POLICY': (
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "A policy is already in force on this insured object for an "
        "overlapping period."),
    'NOT_COVERED': (
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "The policy does not cover the incident date."),
    'INVALID_CLAIM_DETAILS': (
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "The claim details are missing or of the wrong type."),
    'RATE_LIMITED': (
        HTTPStatus.TOO_MANY_REQUESTS, "Too many requests; retry later."),
    'INTERNAL_ERROR': (
        HTTPStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred."),
    'SERVICE_UNAVAILABLE': (
        HTTPStatus.SERVICE_UNAVAILABLE,
        "The service is temporarily unavailable."),
    }

# The code answered when a status comes from outside the API's own handlers
# (routing, body size, CORS) and carries no code of its own.
CODE_OF_STATUS = {
    HTTPStatus.BAD_REQUEST: 'INVALID_REQUEST',
    HTTPStatus.UNAUTHORIZED: 'UNAUTHENTICATED',
    HTTPStatus.FORBIDDEN: 'FORBIDDEN',
    HTTPStatus.NOT_FOUND: 'NOT_FOUND',
    HTTPStatus.METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
    HTTPStatus.TOO_MANY_REQUESTS: 'RATE_LIMITED',
    HTTPStatus.SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
    }

# What the issuance engine may refuse a quote, an issue, an endorsement or a
# renewal for
ISSUANCE_ERRORS = (
    'OPERATION_NOT_AUTHORIZED', 'PLAN_NOT_AUTHORIZED', 'RULE_VIOLATION',
    'PRODUCT_WITHDRAWN')


class ApiError(Exception):
    "A refusal answered in the contract's error shape"

    def __init__(self, code, message=None, details=None, headers=None):
        status, default_message = ERROR_CODES[code]
        super().__init__(message or default_message)
        self.code = code
        self.status = int(status)
        self.message = message or default_message
        self.details = list(details or [])
        self.headers = dict(headers or {})

    @property
    def body(self):
        return {'error': {
                'code': self.code,
                'message': self.message,
                'details': self.details,
                }}


def answer_refusals(operation, *args, **kwargs):
    """Return operation(*args, **kwargs); a refusal of the issuance or
    claims engine raises the ApiError of its code"""
    try:
        return operation(*args, **kwargs)
    except (IssuanceError, ClaimError) as error:
        # A claim's details that its line refuses are named in details.
        raise ApiError(error.code, error.message,
            details=getattr(error, 'details', ())) from error


def status_error(status):
    "Return the ApiError for an HTTP status raised outside the API handlers"
    status = HTTPStatus(status)
    code = CODE_OF_STATUS.get(status)
    if code is None:
        code = 'INTERNAL_ERROR' if status >= 500 else 'INVALID_REQUEST'
    error = ApiError(code)
    error.status = int(status)
    return error


def validation_details(validation_error):
    "Return one detail per field that pydantic refused"
    return [{
            'field': '.'.join(str(part) for part in error['loc']) or 'body',
            'message': error['msg'],
            } for error in validation_error.errors(
                include_url=False, include_context=False,
                include_input=False)]

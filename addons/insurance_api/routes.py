"""The endpoints of the partner API under /api/v1."""
import re

from trytond.modules.insurance_policy import issuance
from trytond.modules.insurance_policy.exceptions import IssuanceError
from trytond.modules.insurance_policy.sale_terms import granted_operations
from trytond.pool import Pool

from . import schemas
from .database import api_database_name, database_reachable
from .documents import application_of, policy_document, quote_document
from .endpoint import endpoint
from .errors import ApiError
from .idempotency import Answer

POLICY_NUMBER = re.compile(r'[A-Za-z0-9\-]{1,64}\Z')
ISSUANCE_ERRORS = (
    'OPERATION_NOT_AUTHORIZED', 'PLAN_NOT_AUTHORIZED', 'RULE_VIOLATION',
    'PRODUCT_WITHDRAWN')


def refused(error):
    "The ApiError answering an IssuanceError"
    return ApiError(error.code, error.message, details=error.details)


@endpoint('POST', '/quotes', summary="Price a policy without issuing it",
    body=schemas.QuoteRequest, response=schemas.Quote,
    errors=ISSUANCE_ERRORS, tags=('policies',),
    description="Runs the underwriting rules and the rating (报价).")
def create_quote(call):
    try:
        quotation = issuance.quote(
            call.channel.channel_id, application_of(call.body))
    except IssuanceError as error:
        raise refused(error) from error
    return quote_document(quotation)


@endpoint('POST', '/policies', summary="Issue a policy", status=201,
    body=schemas.IssueRequest, response=schemas.Policy,
    errors=ISSUANCE_ERRORS + ('DUPLICATE_POLICY',), tags=('policies',),
    links={'ReadPolicy': {
            'operationId': 'read_policy',
            'parameters': {'policy_no': '$response.body#/policy_no'}}},
    description="Runs the rules and the rating, numbers and stores the "
    "policy (承保). One policy may be in force on an insured object "
    "(order_no, account_id) for a period.")
def create_policy(call):
    try:
        policy = issuance.issue(call.channel.channel_id,
            application_of(call.body), call.idempotency_key)
    except IssuanceError as error:
        raise refused(error) from error
    return policy_document(policy)


@endpoint('GET', '/policies/{policy_no}', summary="Read a policy",
    response=schemas.Policy,
    errors=('NOT_FOUND', 'OPERATION_NOT_AUTHORIZED'), tags=('policies',),
    description="A policy of another channel answers 404 (查询保单).")
def read_policy(call):
    policy = policy_of_call(call)
    if 'query' not in granted_operations(policy.contract_version.id):
        raise ApiError('OPERATION_NOT_AUTHORIZED')
    return policy_document(policy)


def policy_of_call(call):
    "The calling channel's policy of the path; another's answers 404"
    Policy = Pool().get('insurance.policy')
    number = call.path_args['policy_no']
    policies = POLICY_NUMBER.match(number) and Policy.search([
            ('number', '=', number),
            ('channel', '=', call.channel.channel_id),
            ], limit=1)
    if not policies:
        raise ApiError('NOT_FOUND', "No such policy.")
    return policies[0]


@endpoint('GET', '/health', summary="Liveness and database reachability",
    authenticated=False, transactional=False, response=schemas.Health,
    responses={503: schemas.Health}, tags=('service',))
def health(call):
    reachable = database_reachable(api_database_name())
    document = schemas.Health(
        status='ok' if reachable else 'unavailable',
        database='reachable' if reachable else 'unreachable')
    return Answer(200 if reachable else 503,
        document.model_dump_json().encode())

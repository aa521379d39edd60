"""The endpoints changing an issued policy: endorsement (批改), renewal
(续保) and cancellation (退保)."""
from http import HTTPStatus

from trytond.modules.insurance_policy.exceptions import IssuanceError
from trytond.pool import Pool

from . import lifecycle_schemas as schemas
from .documents import endorsement_summary, policy_document
from .endpoint import endpoint
from .errors import ERROR_CODES, ApiError
from .routes import ISSUANCE_ERRORS, policy_of_call, refused

ERROR_CODES.update({
        'POLICY_NOT_IN_FORCE': (
            HTTPStatus.CONFLICT, "The policy is not in force."),
        'ALREADY_RENEWED': (
            HTTPStatus.CONFLICT, "The policy is already renewed."),
        })
POLICY_ERRORS = ('NOT_FOUND', 'POLICY_NOT_IN_FORCE')


@endpoint('POST', '/policies/{policy_no}/endorsements',
    summary="Change the plan of a policy from a date", status=201,
    body=schemas.EndorsementRequest, response=schemas.Endorsement,
    errors=POLICY_ERRORS + ISSUANCE_ERRORS, tags=('policies',),
    description="Moves the policy to another plan of its contract from the "
    "effective date (批改). premium_delta is the pro-rata difference of "
    "the full-term premiums, charged to the channel (the account-security "
    "free upgrade is free for the account holder, not for the channel).")
def create_endorsement(call):
    Endorsement = Pool().get('insurance.policy.endorsement')
    request = call.body
    endorsement = answer_refusals(Endorsement.endorse,
        policy_of_call(call), request.plan_code, request.effective_date)
    summary = endorsement_summary(endorsement)
    return schemas.Endorsement(
        **summary, policy=policy_document(endorsement.policy))


@endpoint('POST', '/policies/{policy_no}/renewal',
    summary="Renew a policy for the next term", status=201,
    body=schemas.RenewalRequest, response=schemas.Policy,
    errors=POLICY_ERRORS + ISSUANCE_ERRORS + (
        'ALREADY_RENEWED', 'DUPLICATE_POLICY'), tags=('policies',),
    description="Issues the policy of the next term, starting at the "
    "current end, priced under the contract in force today (续保). A "
    "withdrawn product answers PRODUCT_WITHDRAWN with the products the "
    "channel may sell instead.")
def create_renewal(call):
    policy = policy_of_call(call)
    renewal = answer_refusals(policy.renew,
        call.body.plan_code, call.idempotency_key)
    return policy_document(renewal)


@endpoint('POST', '/policies/{policy_no}/cancellation',
    summary="Cancel a policy with a refund",
    body=schemas.CancellationRequest, response=schemas.Policy,
    errors=POLICY_ERRORS + ('OPERATION_NOT_AUTHORIZED', 'RULE_VIOLATION'),
    tags=('policies',),
    description="Cancels the policy from the effective date (退保); refund "
    "is the unearned premium pro rata by day, none once a claim was paid.")
def create_cancellation(call):
    policy = policy_of_call(call)
    # The contract the policy was sold under grants its cancellation, so
    # that customers keep that right when the channel's contract changes.
    if not policy.contract_version.grants_operation('cancel'):
        raise ApiError('OPERATION_NOT_AUTHORIZED')
    request = call.body
    cancelled = answer_refusals(policy.cancel_from,
        request.effective_date, request.reason)
    return policy_document(cancelled)


def answer_refusals(operation, *args):
    try:
        return operation(*args)
    except IssuanceError as error:
        raise refused(error) from error

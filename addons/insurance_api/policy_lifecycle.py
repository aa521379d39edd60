"""The endpoints changing an issued policy: endorsement (批改), renewal
(续保) and cancellation (退保)."""
import datetime as dt

from pydantic import Field

from trytond.pool import Pool

from .endpoint import endpoint
from .errors import ISSUANCE_ERRORS, answer_refusals
from .policies import (
    Policy,
    check_granted,
    endorsement_summary,
    policy_document,
    policy_of_path,
)
from .schemas import (
    NOT_BLANK,
    Code,
    Money,
    RequestModel,
    ResponseModel,
    Timestamp,
    text,
)

POLICY_ERRORS = ('NOT_FOUND', 'POLICY_NOT_IN_FORCE')


class EndorsementRequest(RequestModel):
    plan_code: Code = Field(description="The plan the policy moves to")
    effective_date: dt.date = Field(
        description="From this day in China, within the policy's term")


class RenewalRequest(RequestModel):
    plan_code: Code | None = Field(
        None, description="The plan of the next term; the same by default")


class CancellationRequest(RequestModel):
    reason: text(min_length=1, max_length=500, pattern=NOT_BLANK)
    effective_date: dt.date = Field(
        description="From this day in China; the refund is pro rata by "
        "day from it")


class Endorsement(ResponseModel):
    endorsement_no: str
    effective_date: dt.date
    plan_code_before: str
    plan_code_after: str
    premium_delta: Money = Field(
        description="(new - old premium) x days left / term days; "
        "negative is refunded")
    created_at: Timestamp
    policy: Policy


@endpoint('POST', '/policies/{policy_no}/endorsements',
    summary="Change the plan of a policy from a date", status=201,
    body=EndorsementRequest, response=Endorsement,
    errors=POLICY_ERRORS + ISSUANCE_ERRORS, tags=('policies',),
    description="Moves the policy to another plan of its contract from the "
    "effective date (批改). premium_delta is the pro-rata difference of "
    "the full-term premiums, charged to the channel (the account-security "
    "free upgrade is free for the account holder, not for the channel).")
def create_endorsement(call):
    PolicyEndorsement = Pool().get('insurance.policy.endorsement')
    request = call.body
    endorsement = answer_refusals(PolicyEndorsement.endorse,
        policy_of_path(call), request.plan_code, request.effective_date)
    return Endorsement(**endorsement_summary(endorsement),
        policy=policy_document(endorsement.policy))


@endpoint('POST', '/policies/{policy_no}/renewal',
    summary="Renew a policy for the next term", status=201,
    body=RenewalRequest, response=Policy,
    errors=POLICY_ERRORS + ISSUANCE_ERRORS + (
        'ALREADY_RENEWED', 'DUPLICATE_POLICY'), tags=('policies',),
    description="Issues the policy of the next term, starting at the "
    "current end, priced under the contract in force today (续保). A "
    "withdrawn product answers PRODUCT_WITHDRAWN with the products the "
    "channel may sell instead.")
def create_renewal(call):
    policy = policy_of_path(call)
    renewal = answer_refusals(policy.renew,
        call.body.plan_code, call.idempotency_key)
    return policy_document(renewal)


@endpoint('POST', '/policies/{policy_no}/cancellation',
    summary="Cancel a policy with a refund",
    body=CancellationRequest, response=Policy,
    errors=POLICY_ERRORS + ('OPERATION_NOT_AUTHORIZED', 'RULE_VIOLATION'),
    tags=('policies',),
    description="Cancels the policy from the effective date (退保); refund "
    "is the unearned premium pro rata by day, none once a claim was paid.")
def create_cancellation(call):
    policy = policy_of_path(call)
    check_granted(policy, 'cancel')
    request = call.body
    cancelled = answer_refusals(policy.cancel_from,
        request.effective_date, request.reason)
    return policy_document(cancelled)

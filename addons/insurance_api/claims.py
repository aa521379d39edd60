"""Claims (申请理赔, 查询理赔, 更新理赔单): file, read and update a claim."""
import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from trytond.modules.insurance_base.money import money_text
from trytond.modules.insurance_base.timezone import in_china
from trytond.modules.insurance_claim.claim_log import CHANNEL_ACTOR
from trytond.pool import Pool
from trytond.transaction import Transaction

from .endpoint import endpoint
from .errors import ApiError, answer_refusals
from .policies import channel_policy, check_granted
from .schemas import (
    Money,
    RequestModel,
    ResponseModel,
    RiskValue,
    Timestamp,
    text,
)

# The name partners know a claim's state by
LOGGED_FIELD_NAMES = {'state': 'status'}
# Who the insurer's staff are stays inside
INTERNAL_FIELDS = {'handler'}
INSURER = 'insurer'
CURRENCY = 'CNY'

ClaimNumber = text(strip_whitespace=True, min_length=1, max_length=64)
ClaimedAmount = Annotated[str, Field(
        pattern=r'^\d{1,14}\.\d{2}$', examples=['12.00'],
        description="Decimal amount with two places, in CNY")]
Details = Annotated[dict[text(min_length=1, max_length=64), RiskValue], Field(
        max_length=32,
        description="The claim details of the product's line of business, "
        "each typed (text, decimal, integer, date or one of a selection) and "
        "required or not as the line declares them, e.g. return_tracking_no "
        "for return shipping. A missing or mistyped detail answers 422 "
        "INVALID_CLAIM_DETAILS naming it in details.")]
ClaimStatus = Literal[
    'submitted', 'under_review', 'approved', 'rejected', 'paid', 'closed']


class ClaimRequest(RequestModel):
    policy_no: ClaimNumber
    incident_date: dt.date
    claimed_amount: ClaimedAmount
    details: Details = Field(default_factory=dict)


class ClaimUpdate(RequestModel):
    details: Details | None = Field(
        None, description="Merged into the claim's; a key set to null is "
        "removed")
    claimed_amount: ClaimedAmount | None = None


class RejectionReason(ResponseModel):
    code: str = Field(examples=['INVALID_TRACKING_NO'])
    message: str


class HistoryEntry(ResponseModel):
    "A change of state (field status) or of a field of the claim"
    at: Timestamp
    actor: str | None = Field(
        description="Who made the change: the channel, the insurer's staff "
        "or the adjudication")
    field: str = Field(examples=['status', 'details.return_tracking_no'])
    old_value: str | None
    new_value: str | None


class Claim(ResponseModel):
    claim_no: str
    policy_no: str
    status: ClaimStatus
    incident_date: dt.date
    claimed_amount: Money
    currency: Literal['CNY']
    details: dict[str, RiskValue]
    filed_at: Timestamp
    rejection_reason: RejectionReason | None
    paid_amount: Money | None
    payment_reference: str | None
    paid_at: Timestamp | None
    history: list[HistoryEntry] = Field(description="Oldest first")


@endpoint('POST', '/claims', summary="File a claim", status=201,
    body=ClaimRequest, response=Claim,
    errors=('NOT_FOUND', 'OPERATION_NOT_AUTHORIZED', 'NOT_COVERED',
        'INVALID_CLAIM_DETAILS'),
    tags=('claims',),
    description="Files a claim on a policy of the channel (申请理赔), with "
    "the details its line of business declares. A claim of a line settled "
    "by rules is adjudicated within seconds; every change of its status is "
    "posted to the channel's callback URL.")
def file_claim(call):
    InsuranceClaim = Pool().get('insurance.claim')
    request = call.body
    policy = channel_policy(call, request.policy_no)
    check_granted(policy, 'claim')
    with acting_for(call):
        claim = answer_refusals(InsuranceClaim.file, policy,
            request.incident_date, Decimal(request.claimed_amount),
            request.details)
    return claim_document(claim)


@endpoint('GET', '/claims/{claim_no}', summary="Read a claim",
    response=Claim,
    errors=('NOT_FOUND', 'OPERATION_NOT_AUTHORIZED'), tags=('claims',),
    description="The claim with its history: every change of status and "
    "every update. A claim of another channel answers 404.")
def read_claim(call):
    return claim_document(claim_of_path(call))


@endpoint('PATCH', '/claims/{claim_no}', summary="Update a claim",
    body=ClaimUpdate, response=Claim,
    errors=('NOT_FOUND', 'OPERATION_NOT_AUTHORIZED', 'CLAIM_FINAL',
        'INVALID_CLAIM_DETAILS'),
    tags=('claims',),
    description="Updates the details or the claimed amount of a claim that "
    "is not paid or closed (更新理赔单); the claim goes back to submitted "
    "and is adjudicated again.")
def update_claim(call):
    claim = claim_of_path(call)
    update = call.body
    with acting_for(call):
        answer_refusals(claim.amend, details=update.details,
            claimed_amount=(Decimal(update.claimed_amount)
                if update.claimed_amount is not None else None))
    return claim_document(claim)


def claim_of_path(call):
    "The calling channel's claim of the path, its contract granting claims"
    InsuranceClaim = Pool().get('insurance.claim')
    claims = InsuranceClaim.search([
            ('number', '=', call.path_args['claim_no']),
            ('channel', '=', call.channel.channel_id),
            ], limit=1)
    if not claims:
        raise ApiError('NOT_FOUND', "No such claim.")
    claim, = claims
    check_granted(claim.policy, 'claim')
    return claim


def acting_for(call):
    "Log the changes as made by the calling channel"
    return Transaction().set_context(
        claim_actor=CHANNEL_ACTOR + call.channel.channel_code)


def claim_document(claim):
    reason = claim.rejection_reason
    return Claim(
        claim_no=claim.number,
        policy_no=claim.policy.number,
        status=claim.state,
        incident_date=claim.incident_date,
        claimed_amount=money_text(claim.claimed_amount),
        currency=CURRENCY,
        details=dict(claim.details or {}),
        filed_at=in_china(claim.filed_at),
        rejection_reason=RejectionReason(**reason) if reason else None,
        paid_amount=money_text(claim.paid_amount),
        payment_reference=claim.payment_reference,
        paid_at=in_china(claim.paid_at) if claim.paid_at else None,
        history=[history_entry(log) for log in claim.history
            if log.field not in INTERNAL_FIELDS])


def history_entry(log):
    return HistoryEntry(
        at=in_china(log.at),
        # changes by staff are logged with their user, the others by root
        actor=INSURER if log.user else log.actor,
        field=LOGGED_FIELD_NAMES.get(log.field, log.field),
        old_value=log.old_value,
        new_value=log.new_value)

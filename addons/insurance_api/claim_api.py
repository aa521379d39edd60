"""The claims endpoints of the partner API (申请理赔, 查询理赔, 更新理赔单)."""
from decimal import Decimal
from http import HTTPStatus

from trytond.modules.insurance_base.money import money_text
from trytond.modules.insurance_base.timezone import in_china
from trytond.modules.insurance_claim.exceptions import ClaimError
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import claim_schemas as schemas
from .endpoint import endpoint
from .errors import ERROR_CODES, ApiError

ERROR_CODES.update({
        'NOT_COVERED': (
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "The policy does not cover the incident date."),
        'INVALID_CLAIM_DETAILS': (
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "The claim details are missing or of the wrong type."),
        'CLAIM_FINAL': (
            HTTPStatus.CONFLICT,
            "The claim is paid or closed and can no longer be updated."),
        })
# The name partners know a claim's state by
LOGGED_FIELD_NAMES = {'state': 'status'}
# Who the insurer's staff are stays inside
INTERNAL_FIELDS = {'handler'}
INSURER = 'insurer'
CURRENCY = 'CNY'


@endpoint('POST', '/claims', summary="File a claim", status=201,
    body=schemas.ClaimRequest, response=schemas.Claim,
    errors=('NOT_FOUND', 'OPERATION_NOT_AUTHORIZED', 'NOT_COVERED',
        'INVALID_CLAIM_DETAILS'),
    tags=('claims',),
    description="Files a claim on a policy of the channel (申请理赔), with "
    "the details its line of business declares. A claim of a line settled "
    "by rules is adjudicated within seconds; every change of its status is "
    "posted to the channel's callback URL.")
def file_claim(call):
    Claim = Pool().get('insurance.claim')
    request = call.body
    policy = policy_of_channel(call, request.policy_no)
    with acting_for(call):
        claim = answer_refusals(Claim.file, policy, request.incident_date,
            Decimal(request.claimed_amount), request.details)
    return claim_document(claim)


@endpoint('GET', '/claims/{claim_no}', summary="Read a claim",
    response=schemas.Claim,
    errors=('NOT_FOUND', 'OPERATION_NOT_AUTHORIZED'), tags=('claims',),
    description="The claim with its history: every change of status and "
    "every update. A claim of another channel answers 404.")
def read_claim(call):
    return claim_document(claim_of_channel(call))


@endpoint('PATCH', '/claims/{claim_no}', summary="Update a claim",
    body=schemas.ClaimUpdate, response=schemas.Claim,
    errors=('NOT_FOUND', 'OPERATION_NOT_AUTHORIZED', 'CLAIM_FINAL',
        'INVALID_CLAIM_DETAILS'),
    tags=('claims',),
    description="Updates the details or the claimed amount of a claim that "
    "is not paid or closed (更新理赔单); the claim goes back to submitted "
    "and is adjudicated again.")
def update_claim(call):
    claim = claim_of_channel(call)
    update = call.body
    with acting_for(call):
        answer_refusals(claim.amend, details=update.details,
            claimed_amount=(Decimal(update.claimed_amount)
                if update.claimed_amount is not None else None))
    return claim_document(claim)


def policy_of_channel(call, policy_no):
    "The policy of the calling channel granting claims, or the refusal"
    Policy = Pool().get('insurance.policy')
    policies = Policy.search([
            ('number', '=', policy_no),
            ('channel', '=', call.channel.channel_id),
            ], limit=1)
    if not policies:
        raise ApiError('NOT_FOUND', "No such policy.")
    policy, = policies
    check_claims_granted(policy)
    return policy


def claim_of_channel(call):
    Claim = Pool().get('insurance.claim')
    claims = Claim.search([
            ('number', '=', call.path_args['claim_no']),
            ('channel', '=', call.channel.channel_id),
            ], limit=1)
    if not claims:
        raise ApiError('NOT_FOUND', "No such claim.")
    claim, = claims
    check_claims_granted(claim.policy)
    return claim


def check_claims_granted(policy):
    if not policy.contract_version.grants_operation('claim'):
        raise ApiError('OPERATION_NOT_AUTHORIZED')


def acting_for(call):
    "Log the changes as made by the calling channel"
    return Transaction().set_context(
        claim_actor=f'channel {call.channel.channel_code}')


def answer_refusals(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except ClaimError as error:
        raise ApiError(
            error.code, error.message, details=error.details) from error


def claim_document(claim):
    reason = claim.rejection_reason
    return schemas.Claim(
        claim_no=claim.number,
        policy_no=claim.policy.number,
        status=claim.state,
        incident_date=claim.incident_date,
        claimed_amount=money_text(claim.claimed_amount),
        currency=CURRENCY,
        details=dict(claim.details or {}),
        filed_at=in_china(claim.filed_at),
        rejection_reason=schemas.RejectionReason(**reason) if reason else None,
        paid_amount=money_text(claim.paid_amount),
        payment_reference=claim.payment_reference,
        paid_at=in_china(claim.paid_at) if claim.paid_at else None,
        history=[history_entry(log) for log in claim.history
            if log.field not in INTERNAL_FIELDS])


def history_entry(log):
    return schemas.HistoryEntry(
        at=in_china(log.at),
        # changes by staff are logged with their user, the others by root
        actor=INSURER if log.user else log.actor,
        field=LOGGED_FIELD_NAMES.get(log.field, log.field),
        old_value=log.old_value,
        new_value=log.new_value)

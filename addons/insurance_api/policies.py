"""Policies (承保, 查询保单): issue a policy, read one.

A policy is looked up one way for every endpoint under /policies/{policy_no}
and for claims (channel_policy), and the contract's grant of an operation is
checked one way (check_granted).
"""
import json
import re
from typing import Literal

from pydantic import Field
from sql.operators import Exists

from trytond.modules.insurance_base.money import money_text
from trytond.modules.insurance_base.timezone import in_china
from trytond.modules.insurance_policy import issuance
from trytond.modules.insurance_policy.sale_terms import granted_operations
from trytond.pool import Pool
from trytond.transaction import Transaction

from .endpoint import endpoint
from .errors import ISSUANCE_ERRORS, ApiError, answer_refusals
from .quotes import Cover, QuoteRequest, application_of
from .schemas import Money, ResponseModel, RiskValue, Timestamp

POLICY_NUMBER = re.compile(r'[A-Za-z0-9\-]{1,64}\Z')
PERSON_COLUMNS = [f'{role}_{name}'
    for role in ('policyholder', 'insured')
    for name in ('name', 'id_type', 'id_number', 'phone', 'email')]
# PersonOut's fields and the policy's columns after the role
PERSON_FIELDS = [('name', 'name'), ('id_type', 'id_type'),
    ('id_no', 'id_number'), ('phone', 'phone'), ('email', 'email')]
POLICY_COLUMNS = [
    'number', 'state', 'premium', 'currency', 'sum_insured', 'starts_at',
    'ends_at', 'issued_at', 'risk', 'refund', *PERSON_COLUMNS]


class IssueRequest(QuoteRequest):
    pass


class PersonOut(ResponseModel):
    name: str
    id_type: str
    id_no: str
    phone: str | None = None
    email: str | None = None


class Policy(Cover):
    policy_no: str
    status: Literal['in_force', 'cancelled', 'expired']
    product_version: int
    policyholder: PersonOut
    insured: PersonOut
    risk: dict[str, RiskValue]
    issued_at: Timestamp
    endorsements: list[dict] = Field(
        description="Endorsements of the policy, oldest first")
    renewed_from: str | None = None
    renewed_to: str | None = None
    refund: Money | None = None


@endpoint('POST', '/policies', summary="Issue a policy", status=201,
    body=IssueRequest, response=Policy,
    errors=ISSUANCE_ERRORS + ('DUPLICATE_POLICY',), tags=('policies',),
    refuses_first=True,
    links={'ReadPolicy': {
            'operationId': 'read_policy',
            'parameters': {'policy_no': '$response.body#/policy_no'}}},
    description="Runs the rules and the rating, numbers and stores the "
    "policy (承保). One policy may be in force on an insured object "
    "(order_no, account_id) for a period.")
def create_policy(call):
    issued = answer_refusals(issuance.issued, call.channel.channel_id,
        application_of(call.body), call.idempotency_key)
    return issued_document(issued)


@endpoint('GET', '/policies/{policy_no}', summary="Read a policy",
    response=Policy,
    errors=('NOT_FOUND', 'OPERATION_NOT_AUTHORIZED'), tags=('policies',),
    description="A policy of another channel answers 404 (查询保单).")
def read_policy(call):
    policy = policy_of_path(call)
    check_granted(policy, 'query')
    return policy_document(policy)


def policy_of_path(call):
    return channel_policy(call, call.path_args['policy_no'])


def channel_policy(call, number):
    "The calling channel's policy of number; another's answers 404"
    Policy = Pool().get('insurance.policy')
    policies = POLICY_NUMBER.match(number) and Policy.search([
            ('number', '=', number),
            ('channel', '=', call.channel.channel_id),
            ], limit=1)
    if not policies:
        raise ApiError('NOT_FOUND', "No such policy.")
    return policies[0]


def check_granted(policy, operation):
    """Refuse an operation the contract version the policy was sold under
    does not grant

    That version, not the channel's current one, so that customers keep
    the rights they bought when the channel's contract changes."""
    if operation not in granted_operations(policy.contract_version.id):
        raise ApiError('OPERATION_NOT_AUTHORIZED')


def policy_document(policy):
    "The contract's policy document of a policy record"
    row = policy_row(policy.id)
    return Policy(
        policy_no=row['number'],
        status=row['state'],
        product_code=row['product_code'],
        product_version=row['product_version_number'],
        plan_code=row['plan_code'],
        premium=money_text(row['premium']),
        currency=row['currency'],
        sum_insured=money_text(row['sum_insured']),
        start=in_china(row['starts_at']),
        end=in_china(row['ends_at']),
        policyholder=person_document(row, 'policyholder'),
        insured=person_document(row, 'insured'),
        risk=json_value(row['risk']) or {},
        issued_at=in_china(row['issued_at']),
        endorsements=[endorsement_summary(e)
            for e in (endorsements_of(policy) if row['endorsed'] else [])],
        renewed_from=row['renewed_from_number'],
        renewed_to=row['renewed_to_number'],
        refund=money_text(row['refund']))


def issued_document(issued):
    """The policy document of a policy just issued, from what was written
    (as policy_document would read it back)"""
    values, terms = issued.values, issued.quotation.plan_terms

    def person(role):
        return PersonOut(**{name: values[f'{role}_{column}']
                for name, column in PERSON_FIELDS})
    return Policy(
        policy_no=issued.number,
        status='in_force',
        product_code=terms.product_code,
        product_version=terms.version_number,
        plan_code=terms.code,
        premium=money_text(values['premium']),
        currency=values['currency'],
        sum_insured=money_text(values['sum_insured']),
        start=in_china(values['starts_at']),
        end=in_china(values['ends_at']),
        policyholder=person('policyholder'),
        insured=person('insured'),
        # As the Dict field stores it
        risk={k: v for k, v in values['risk'].items() if v is not None},
        issued_at=in_china(values['issued_at']),
        endorsements=[],
        renewed_from=None,
        renewed_to=None,
        refund=None)


def policy_row(policy_id):
    """The columns of the policy document, by name

    One query joining what the document names, rather than the ORM reading
    every field of the policy and of each related record."""
    pool = Pool()
    Policy = pool.get('insurance.policy')
    policy = Policy.__table__()
    product = pool.get('insurance.product').__table__()
    version = pool.get('insurance.product.version').__table__()
    plan = pool.get('insurance.plan').__table__()
    previous, renewal = Policy.__table__(), Policy.__table__()
    endorsement = pool.get('insurance.policy.endorsement').__table__()
    columns = {name: getattr(policy, name) for name in POLICY_COLUMNS}
    columns.update({
            'product_code': product.code,
            'product_version_number': version.number,
            'plan_code': plan.code,
            'renewed_from_number': previous.number,
            'renewed_to_number': renewal.number,
            'endorsed': Exists(endorsement.select(endorsement.id,
                    where=endorsement.policy == policy.id)),
            })
    query = (policy
        .join(product, condition=policy.product == product.id)
        .join(version, condition=policy.product_version == version.id)
        .join(plan, condition=policy.plan == plan.id)
        .join(previous, 'LEFT', condition=policy.renewed_from == previous.id)
        .join(renewal, 'LEFT', condition=renewal.renewed_from == policy.id)
        .select(*columns.values(), where=policy.id == policy_id))
    cursor = Transaction().connection.cursor()
    cursor.execute(*query)
    return dict(zip(columns, cursor.fetchone(), strict=True))


def json_value(value):
    "A JSON column's value, whether or not the driver decoded it"
    return json.loads(value) if isinstance(value, str) else value


def endorsements_of(policy):
    Endorsement = Pool().get('insurance.policy.endorsement')
    return Endorsement.search([('policy', '=', policy.id)])


def endorsement_summary(endorsement):
    "An endorsement as the policy document lists it"
    return {
        'endorsement_no': endorsement.number,
        'effective_date': endorsement.effective_date.isoformat(),
        'plan_code_before': endorsement.plan_before.code,
        'plan_code_after': endorsement.plan_after.code,
        'premium_delta': money_text(endorsement.premium_delta),
        'created_at': in_china(endorsement.created_at).isoformat(),
        }


def person_document(row, role):
    return PersonOut(**{name: row[f'{role}_{column}']
            for name, column in PERSON_FIELDS})

"""From the API's documents to the issuance engine's objects and back."""
import json

from sql.operators import Exists

from trytond.modules.insurance_base.money import money_text
from trytond.modules.insurance_base.timezone import in_china
from trytond.modules.insurance_policy.issuance import Application, Person
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import schemas

PERSON_COLUMNS = [f'{role}_{name}'
    for role in ('policyholder', 'insured')
    for name in ('name', 'id_type', 'id_number', 'phone', 'email')]
POLICY_COLUMNS = [
    'number', 'state', 'premium', 'currency', 'sum_insured', 'starts_at',
    'ends_at', 'issued_at', 'risk', 'refund', *PERSON_COLUMNS]


def application_of(request):
    "The Application of a quote or issue request"
    policyholder = person_of(request.policyholder)
    return Application(
        product_code=request.product_code,
        plan_code=request.plan_code,
        effective_date=request.effective_date,
        policyholder=policyholder,
        insured=(person_of(request.insured) if request.insured
            else policyholder),
        risk=dict(request.risk))


def person_of(person):
    return Person(name=person.name, id_type=person.id_type,
        id_number=person.id_no, phone=person.phone, email=person.email)


def quote_document(quotation):
    priced = quotation.quote.as_dict()
    return schemas.Quote(
        product_code=quotation.plan_terms.product_code,
        plan_code=quotation.plan_terms.code,
        premium=money_text(quotation.premium),
        currency=quotation.plan_terms.currency,
        sum_insured=money_text(quotation.plan_terms.sum_insured),
        start=in_china(quotation.starts_at),
        end=in_china(quotation.ends_at),
        breakdown=priced['breakdown'])


def policy_document(policy):
    "The contract's policy document of a policy record"
    row = policy_row(policy.id)
    return schemas.Policy(
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
        refund=None if row['refund'] is None else money_text(row['refund']))


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
    return {
        'endorsement_no': endorsement.number,
        'effective_date': endorsement.effective_date.isoformat(),
        'plan_code_before': endorsement.plan_before.code,
        'plan_code_after': endorsement.plan_after.code,
        'premium_delta': money_text(endorsement.premium_delta),
        'created_at': in_china(endorsement.created_at).isoformat(),
        }


def person_document(row, role):
    def value(name):
        return row[f'{role}_{name}']
    return schemas.PersonOut(
        name=value('name'), id_type=value('id_type'),
        id_no=value('id_number'), phone=value('phone'),
        email=value('email'))

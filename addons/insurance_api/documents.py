"""From the API's documents to the issuance engine's objects and back."""
from decimal import ROUND_HALF_UP, Decimal

from trytond.modules.insurance_policy.issuance import Application, Person
from trytond.modules.insurance_policy.timezone import in_china

from . import schemas

CENT = Decimal('0.01')


def money(amount):
    return str(Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP))


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
        premium=money(quotation.premium),
        currency=quotation.plan_terms.currency,
        sum_insured=money(quotation.plan_terms.sum_insured),
        start=in_china(quotation.starts_at),
        end=in_china(quotation.ends_at),
        breakdown=priced['breakdown'])


def policy_document(policy):
    return schemas.Policy(
        policy_no=policy.number,
        status=policy.state,
        product_code=policy.product.code,
        product_version=policy.product_version.number,
        plan_code=policy.plan.code,
        premium=money(policy.premium),
        currency=policy.currency,
        sum_insured=money(policy.sum_insured),
        start=in_china(policy.starts_at),
        end=in_china(policy.ends_at),
        policyholder=person_document(policy, 'policyholder'),
        insured=person_document(policy, 'insured'),
        risk=policy.risk or {},
        issued_at=in_china(policy.issued_at),
        endorsements=[endorsement_summary(e) for e in policy.endorsements],
        renewed_from=number_of(policy.renewed_from),
        renewed_to=number_of(policy.renewed_to),
        refund=None if policy.refund is None else money(policy.refund))


def number_of(policy):
    return policy.number if policy else None


def endorsement_summary(endorsement):
    return {
        'endorsement_no': endorsement.number,
        'effective_date': endorsement.effective_date.isoformat(),
        'plan_code_before': endorsement.plan_before.code,
        'plan_code_after': endorsement.plan_after.code,
        'premium_delta': money(endorsement.premium_delta),
        'created_at': in_china(endorsement.created_at).isoformat(),
        }


def person_document(policy, role):
    def value(name):
        return getattr(policy, f'{role}_{name}')
    return schemas.PersonOut(
        name=value('name'), id_type=value('id_type'),
        id_no=value('id_number'), phone=value('phone'),
        email=value('email'))

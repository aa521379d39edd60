"""The issuance engine (出单引擎): quote and issue without HTTP.

quote() runs the built-in checks (channel open, contract active, running
today and granting the operation and plan, product not withdrawn), the
plan's underwriting rules and the rating; issue() then numbers and stores
the policy. The API, bulk issuance and the back office all call these.
Refusals raise IssuanceError with the code partners see.
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from psycopg.errors import ExclusionViolation

from trytond.i18n import gettext
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.insurance_base.timezone import (
    china_midnight,
    china_today,
    utcnow,
)
from trytond.modules.insurance_product.exceptions import RatingError
from trytond.modules.insurance_product.rating import rate
from trytond.modules.insurance_product.rules import check
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import IssuanceError
from .sale_terms import sale_terms
from .storage import insert_as_create

# Between the parts of an insured object named by several attributes
KEY_SEPARATOR = '/'


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    id_type: str
    id_number: str
    phone: str | None = None
    email: str | None = None

    def as_rule_values(self):
        return {
            'name': self.name, 'id_type': self.id_type,
            'id_no': self.id_number, 'phone': self.phone,
            'email': self.email,
            }


@dataclass(frozen=True, slots=True)
class Application:
    "What a channel asks to insure (投保申请)"
    product_code: str
    plan_code: str
    effective_date: dt.date
    policyholder: Person
    insured: Person
    risk: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Quotation:
    "The priced application, ready to issue"
    application: Application
    terms: object  # SaleTerms
    plan_terms: object  # PlanTerms
    quote: object  # rating.Quote
    external_reference: str

    @property
    def premium(self):
        return self.quote.premium

    @property
    def starts_at(self):
        return china_midnight(self.application.effective_date)

    @property
    def ends_at(self):
        return china_midnight(
            self.plan_terms.end_date(self.application.effective_date))


def quote(channel_id, application, operation='quote'):
    "Return the Quotation of application for the channel or raise"
    terms = granted_terms(channel_id, application, operation)
    Plan = Pool().get('insurance.plan')
    plan_terms = Plan.terms_of(terms.plan_id(application.plan_code))
    check_rules(terms, plan_terms, application)
    try:
        priced = rate(plan_terms, application.risk, terms.rate_adjustment)
    except RatingError as error:
        raise rule_violation([(error.code, error.message)]) from error
    return Quotation(application, terms, plan_terms, priced,
        external_reference(plan_terms, application))


def issue(channel_id, application, idempotency_key=None):
    "Issue the policy of application for the channel; return it or raise"
    return issued(channel_id, application, idempotency_key).policy


@dataclass(frozen=True, slots=True)
class Issued:
    "A policy just issued, with what was written: nothing to read back"
    policy: object  # its record
    number: str
    values: dict
    quotation: Quotation


def issued(channel_id, application, idempotency_key=None):
    """Issue the policy of application for the channel; return it Issued or
    raise

    One statement numbers and stores the policy as Policy.create would
    (storage.insert_as_create); a second policy in force on the same insured
    object for an overlapping period is skipped by the database and refused
    here (DUPLICATE_POLICY), the transaction going on as before."""
    Policy = Pool().get('insurance.policy')
    quotation = quote(channel_id, application, operation='issue')
    values = policy_values(quotation, idempotency_key, number=False)
    cursor = Transaction().connection.cursor()
    cursor.execute(*insert_as_create([values], returning=['id', 'number']))
    inserted = cursor.fetchone()
    if inserted is None:
        raise refusal('DUPLICATE_POLICY', 'msg_policy_duplicate')
    policy_id, number = inserted
    # As ModelSQL.create does: the policy is the transaction's own, so
    # ModelSQL.lock needs no restart for it (a restart would issue another)
    Transaction().create_records[Policy.__name__].append(policy_id)
    return Issued(Policy(policy_id), number, values, quotation)


def granted_terms(channel_id, application, operation):
    terms = sale_terms(channel_id, application.product_code)
    if terms is None or not terms.grants(operation):
        raise refusal('OPERATION_NOT_AUTHORIZED',
            'msg_operation_not_authorized', operation=operation,
            product=application.product_code)
    if not terms.channel_open:
        raise refusal('CHANNEL_CLOSED', 'msg_channel_closed')
    # The contract authorises selling while it runs: what matters is the
    # day the business is written, not the day the policy starts.
    if not terms.covers(china_today()):
        raise refusal('OPERATION_NOT_AUTHORIZED', 'msg_contract_not_covering',
            date=china_today())
    if terms.product_withdrawn:
        raise product_withdrawn(channel_id, application.product_code)
    if terms.plan_id(application.plan_code) is None:
        raise refusal('PLAN_NOT_AUTHORIZED', 'msg_plan_not_authorized',
            plan=application.plan_code)
    return terms


def product_withdrawn(channel_id, product_code):
    "The refusal listing the published products the channel may sell"
    Contract = Pool().get('insurance.contract')
    alternatives = sorted({
            v.product_version.product.code
            for v in Contract.find_sellable(channel_id)})
    return refusal('PRODUCT_WITHDRAWN', 'msg_product_withdrawn',
        details=[{
                'code': 'PRODUCT_AVAILABLE',
                'product_code': code,
                'message': gettext('insurance_policy.msg_product_available',
                    product=code),
                } for code in alternatives if code != product_code],
        product=product_code)


def check_rules(terms, plan_terms, application):
    channel, contract = terms.for_rules()
    request = {
        'risk': application.risk,
        'policyholder': application.policyholder.as_rule_values(),
        'insured': application.insured.as_rule_values(),
        'effective_date': application.effective_date,
        'today': china_today(),
        'channel': channel,
        }
    failures = [(f.code, f.message)
        for f in check(plan_terms, request, contract)]
    if application.effective_date < china_today():
        failures.insert(0, ('EFFECTIVE_DATE_IN_PAST', gettext(
                    'insurance_policy.msg_effective_date_in_past')))
    if failures:
        raise rule_violation(failures)


def rule_violation(failures):
    return refusal('RULE_VIOLATION', 'msg_rule_violation',
        details=[{'code': code, 'message': message}
            for code, message in failures])


def external_reference(plan_terms, application):
    """The key of the insured object: the values of the attributes the line
    names it by (insured.id_no names the insured's), joined by '/'"""
    parts = [reference_part(name, application)
        for name in plan_terms.insured_object]
    names = plan_terms.insured_object
    missing = [name for name, part in zip(names, parts, strict=True)
        if not part]
    if missing or not parts:
        raise rule_violation([('RISK_ATTRIBUTE_MISSING', gettext(
                        'insurance_policy.msg_reference_missing',
                        attribute=name)) for name in missing or ['?']])
    return KEY_SEPARATOR.join(parts)


def reference_part(name, application):
    role, _, key = name.partition('.')
    if key and role in {'insured', 'policyholder'}:
        value = getattr(application, role).as_rule_values().get(key)
    else:
        value = application.risk.get(name)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, dt.date):
        value = value.isoformat()
    return value.strip() if isinstance(value, str) else None


def refusal(code, message_id, details=(), **variables):
    return IssuanceError(code,
        gettext('insurance_policy.' + message_id, **variables), details)


def store(quotation, idempotency_key=None):
    """Number and store the policy of quotation; return it

    A second policy in force on the same insured object for an overlapping
    period is refused by the database (DUPLICATE_POLICY), the transaction
    going on as before the attempt."""
    Policy = Pool().get('insurance.policy')
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT store_policy')
    try:
        policy, = Policy.create([policy_values(quotation, idempotency_key)])
    except SQLConstraintError as error:
        cursor.execute('ROLLBACK TO SAVEPOINT store_policy')
        if isinstance(error.__cause__, ExclusionViolation):
            raise refusal(
                'DUPLICATE_POLICY', 'msg_policy_duplicate') from error
        raise
    cursor.execute('RELEASE SAVEPOINT store_policy')
    return policy


def policy_values(quotation, idempotency_key, number=None):
    """The values of the policy of quotation; numbered now unless number,
    without number if it is False"""
    Policy = Pool().get('insurance.policy')
    application, terms = quotation.application, quotation.terms
    values = {
        'channel': terms.channel_id,
        'contract_version': terms.contract_version_id,
        'product': terms.product_id,
        'product_version': terms.product_version_id,
        'plan': quotation.plan_terms.id,
        'risk': dict(application.risk),
        'external_reference': quotation.external_reference,
        'premium': quotation.premium,
        'rating': quotation.quote.as_dict(),
        'sum_insured': Decimal(quotation.plan_terms.sum_insured),
        'currency': quotation.plan_terms.currency,
        'starts_at': quotation.starts_at,
        'ends_at': quotation.ends_at,
        'issued_at': utcnow(),
        'idempotency_key': idempotency_key,
        }
    values.update(person_values('policyholder', application.policyholder))
    values.update(person_values('insured', application.insured))
    if number is not False:
        values['number'] = number or Policy.next_number()
    return values


def person_values(role, person):
    return {
        f'{role}_name': person.name,
        f'{role}_id_type': person.id_type,
        f'{role}_id_number': person.id_number,
        f'{role}_phone': person.phone,
        f'{role}_email': person.email,
        }

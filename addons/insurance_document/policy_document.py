"""The e-policy (电子保单): the policy as it is now, as a PDF in Chinese.

A Tryton report: its template (report/policy_document.xml, or the content
an administrator uploaded on the report action) is a Genshi template that
writes the markup of layout.py, which ReportLab draws. The data it prints
is gathered here, formatted, in Chinese, with ID numbers partly masked.
"""
from dataclasses import dataclass

from genshi.template import TemplateError

from trytond.i18n import gettext
from trytond.modules.insurance_base.money import money as rounded
from trytond.modules.insurance_base.timezone import in_china, utcnow
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from . import layout
from .exceptions import DocumentError
from .verification import qr_payload, verification_code

LANGUAGE = 'zh_CN'
TIME_FORMAT = '%Y-%m-%d %H:%M'


def money(amount):
    "amount as printed: 1,234.50"
    return f'{rounded(amount):,}'


def china_time(timestamp):
    return in_china(timestamp).strftime(TIME_FORMAT)


def mask_id_number(number):
    """The ID number with its middle hidden: the first six and last four
    characters of a resident ID (the region and a check), about a third
    and a quarter of a shorter one"""
    number = number or ''
    shown_head = min(6, len(number) // 3)
    shown_tail = min(4, len(number) // 4)
    hidden = len(number) - shown_head - shown_tail
    return number[:shown_head] + '*' * hidden + number[len(number)
        - shown_tail:]


def paragraphs(text):
    return [line.strip() for line in (text or '').splitlines()
        if line.strip()]


@dataclass(frozen=True)
class Person:
    name: str
    id_type: str  # code: the template words it
    id_number: str


@dataclass(frozen=True)
class Endorsement:
    number: str
    effective_date: str
    plan_before: str
    plan_after: str
    premium_delta: str
    made_at: str


@dataclass(frozen=True)
class PolicyDocumentData:
    "What the template prints, formatted"
    insurer_name: str
    insurer_address: str
    service_phone: str
    number: str
    state: str  # code: the template words it
    product: str
    product_version: int
    plan: str
    policyholder: Person
    insured: Person
    insured_object: list  # of (label, value)
    starts_at: str
    ends_at: str
    issued_at: str
    currency: str
    premium: str
    total_premium: str
    sum_insured: str
    coverages: list  # of (name, sum insured)
    endorsements: list
    cancellation_date: str | None
    refund: str | None
    renewed_from: str | None
    clauses: list
    notice: list
    verification_code: str
    qr_payload: str
    generated_at: str


def document_data(policy):
    "The PolicyDocumentData of policy, in Chinese"
    pool = Pool()
    Policy = pool.get('insurance.policy')
    Configuration = pool.get('insurance.document.configuration')
    with Transaction().set_context(language=LANGUAGE):
        policy = Policy(int(policy))
        configuration = Configuration.get_singleton()
        if not configuration or not configuration.insurer_name:
            raise DocumentError(gettext(
                    'insurance_document.msg_insurer_missing'))
        code = verification_code(Configuration.secret(), policy.number)
        endorsements = list(policy.endorsements)
        version = policy.product_version
        return PolicyDocumentData(
            insurer_name=configuration.insurer_name,
            insurer_address=configuration.insurer_address or '',
            service_phone=configuration.service_phone or '',
            number=policy.number,
            state=policy.state,
            product=policy.product.name,
            product_version=version.number,
            plan=policy.plan.name,
            policyholder=person(policy, 'policyholder'),
            insured=person(policy, 'insured'),
            insured_object=insured_object(policy),
            starts_at=china_time(policy.starts_at),
            ends_at=china_time(policy.ends_at),
            issued_at=china_time(policy.issued_at),
            currency=policy.currency,
            premium=money(policy.premium),
            total_premium=money(policy.written_premium),
            sum_insured=money(policy.sum_insured),
            coverages=[(c.name, money(c.sum_insured))
                for c in policy.plan.coverages],
            endorsements=[endorsement(e) for e in endorsements],
            cancellation_date=(policy.cancellation_date.isoformat()
                if policy.state == 'cancelled' else None),
            refund=(money(policy.refund)
                if policy.state == 'cancelled' and policy.refund is not None
                else None),
            renewed_from=(policy.renewed_from.number
                if policy.renewed_from else None),
            clauses=paragraphs(version.clauses),
            notice=paragraphs(version.notice),
            verification_code=code,
            qr_payload=qr_payload(policy.number, code),
            generated_at=china_time(utcnow()))


def person(policy, role):
    def value(name):
        return getattr(policy, f'{role}_{name}')
    return Person(name=value('name'), id_type=value('id_type'),
        id_number=mask_id_number(value('id_number')))


def insured_object(policy):
    "The risk attributes of the policy, labelled as its product names them"
    risk = policy.risk or {}
    return [(attribute.string or attribute.name, str(risk[attribute.name]))
        for attribute in policy.product_version.risk_attributes
        if risk.get(attribute.name) not in {None, ''}]


def endorsement(record):
    return Endorsement(
        number=record.number,
        effective_date=record.effective_date.isoformat(),
        plan_before=record.plan_before.name,
        plan_after=record.plan_after.name,
        premium_delta=money(record.premium_delta),
        made_at=china_time(record.created_at))


def template_invalid(report, error):
    "The DocumentError telling staff why their template fails"
    return DocumentError(gettext('insurance_document.msg_template_invalid',
            report=report.rec_name, error=str(error)))


class PolicyDocument(Report):
    "E-Policy"
    __name__ = 'insurance.policy.document'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['document'] = document_data(context['record'])
        return context

    @classmethod
    def render(cls, report, report_context):
        try:
            return super().render(report, report_context)
        except TemplateError as error:
            raise template_invalid(report, error) from error

    @classmethod
    def convert(cls, report, data, **kwargs):
        try:
            return 'pdf', layout.render(data)
        except layout.LayoutError as error:
            raise template_invalid(report, error) from error

    @classmethod
    def pdf(cls, policy):
        "The PDF bytes of the e-policy of policy"
        _, content, _, _ = cls.execute([policy.id], {})
        return content

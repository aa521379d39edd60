"""Quotes (报价): price a policy without issuing it.

An application is quoted by the issuance engine: contract, rules, rating.
The quote's Cover fields are those a policy tells too (see policies.py).
"""
import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema, model_serializer

from trytond.modules.insurance_base.money import money_text
from trytond.modules.insurance_base.timezone import in_china
from trytond.modules.insurance_policy import issuance

from .endpoint import endpoint
from .errors import ISSUANCE_ERRORS, answer_refusals
from .schemas import (
    EMAIL,
    NOT_BLANK,
    RISK_SCHEMA,
    Code,
    IdType,
    Money,
    Name,
    RequestModel,
    ResponseModel,
    RiskValue,
    Timestamp,
    text,
)


class Person(RequestModel):
    name: Name
    id_type: IdType
    id_no: text(min_length=1, max_length=64, pattern=NOT_BLANK)
    phone: text(max_length=32, pattern=r'^\+?[0-9 -]{5,32}$') | None = None
    email: text(max_length=254, pattern=EMAIL) | None = None


class QuoteRequest(RequestModel):
    product_code: Code
    plan_code: Code
    effective_date: dt.date
    policyholder: Person
    insured: Person | None = Field(
        None, description="Defaults to the policyholder")
    risk: Annotated[
        dict[text(min_length=1, max_length=64), RiskValue],
        Field(max_length=64), WithJsonSchema(RISK_SCHEMA)]


class BreakdownLine(ResponseModel):
    "One step of the rating; amount is the running premium after it"

    @model_serializer(mode='wrap')
    def omit_empty(self, serialize):
        return {k: v for k, v in serialize(self).items() if v is not None}

    kind: Literal['base', 'factor', 'adjustment', 'minimum', 'rounding']
    amount: str = Field(description="Decimal amount")
    factor: str | None = None
    table: str | None = Field(None, description="The rating table code")
    attribute: str | None = Field(
        None, description="The risk attribute looked up")
    value: str | None = Field(None, description="The value looked up")
    row: str | None = Field(None, description="The matching row or band")
    applied: bool | None = Field(
        None, description="Whether the minimum premium applied")


class Cover(ResponseModel):
    "What a quote and a policy tell alike: the plan, its price and term"
    product_code: str
    plan_code: str
    premium: Money
    currency: Literal['CNY']
    sum_insured: Money
    start: Timestamp
    end: Timestamp


class Quote(Cover):
    breakdown: list[BreakdownLine]


@endpoint('POST', '/quotes', summary="Price a policy without issuing it",
    body=QuoteRequest, response=Quote,
    errors=ISSUANCE_ERRORS, tags=('policies',), refuses_first=True,
    description="Runs the underwriting rules and the rating (报价).")
def create_quote(call):
    quotation = answer_refusals(issuance.quote,
        call.channel.channel_id, application_of(call.body))
    return quote_document(quotation)


def application_of(request):
    "The Application of a quote or issue request"
    policyholder = person_of(request.policyholder)
    return issuance.Application(
        product_code=request.product_code,
        plan_code=request.plan_code,
        effective_date=request.effective_date,
        policyholder=policyholder,
        insured=(person_of(request.insured) if request.insured
            else policyholder),
        risk=dict(request.risk))


def person_of(person):
    return issuance.Person(name=person.name, id_type=person.id_type,
        id_number=person.id_no, phone=person.phone, email=person.email)


def quote_document(quotation):
    priced = quotation.quote.as_dict()
    return Quote(
        product_code=quotation.plan_terms.product_code,
        plan_code=quotation.plan_terms.code,
        premium=money_text(quotation.premium),
        currency=quotation.plan_terms.currency,
        sum_insured=money_text(quotation.plan_terms.sum_insured),
        start=in_china(quotation.starts_at),
        end=in_china(quotation.ends_at),
        breakdown=priced['breakdown'])

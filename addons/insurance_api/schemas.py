"""Request and response bodies of the partner API (pydantic v2).

Requests are strict: unknown fields and wrong JSON types are refused with
INVALID_REQUEST naming each field. The OpenAPI document is generated from
these models.
"""
import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator, BaseModel, ConfigDict, Field, StringConstraints,
    WithJsonSchema, model_serializer)

from trytond.modules.insurance_policy.policy import ID_TYPES


def refuse_nul(text):
    # PostgreSQL cannot store NUL characters in text.
    if '\x00' in text:
        raise ValueError("NUL characters are not allowed")
    return text


Str = Annotated[str, AfterValidator(refuse_nul)]
Code = Annotated[Str, StringConstraints(
        strip_whitespace=True, min_length=1, max_length=32,
        pattern=r'^[A-Za-z0-9_\-]+$')]
Text = Annotated[Str, StringConstraints(
        strip_whitespace=True, min_length=1, max_length=128)]
Money = Annotated[str, Field(
        pattern=r'^-?\d+\.\d{2}$', examples=['12.50'],
        description="Decimal amount with two places")]
Timestamp = Annotated[dt.datetime, Field(
        description="ISO 8601 with the +08:00 offset",
        examples=['2026-11-24T00:00:00+08:00'])]


def json_scalar(value):
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    if isinstance(value, str):
        return refuse_nul(value)
    if value is not None and not isinstance(value, (bool, int, float)):
        raise ValueError("must be a string, a number, a boolean or null")
    return value


# One validator rather than a union, so that errors name the field alone
RiskValue = Annotated[Any, AfterValidator(json_scalar), WithJsonSchema(
        {'type': ['string', 'number', 'boolean', 'null']})]
IdType = Literal[ID_TYPES]


class RequestModel(BaseModel):
    model_config = ConfigDict(
        extra='forbid', strict=True, allow_inf_nan=False)


class ResponseModel(BaseModel):
    model_config = ConfigDict(extra='forbid')


class Person(RequestModel):
    name: Text
    id_type: IdType
    id_no: Annotated[Str, StringConstraints(
            strip_whitespace=True, min_length=1, max_length=64)]
    phone: Annotated[str, StringConstraints(
            strip_whitespace=True, max_length=32,
            pattern=r'^\+?[0-9\- ]{5,32}$')] | None = None
    email: Annotated[str, StringConstraints(
            strip_whitespace=True, max_length=254,
            pattern=r'^[^@\s]+@[^@\s]+\.[^@\s]+$')] | None = None


class QuoteRequest(RequestModel):
    product_code: Code
    plan_code: Code
    effective_date: dt.date
    policyholder: Person
    insured: Person | None = Field(
        None, description="Defaults to the policyholder")
    risk: Annotated[dict[Annotated[Str, StringConstraints(
                    min_length=1, max_length=64)], RiskValue], Field(
            max_length=64,
            description="The product line's risk attributes, e.g. order_no "
            "for return shipping, account_id for account security")]


class IssueRequest(QuoteRequest):
    pass


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


class Quote(ResponseModel):
    product_code: str
    plan_code: str
    premium: Money
    currency: Literal['CNY']
    sum_insured: Money
    start: Timestamp
    end: Timestamp
    breakdown: list[BreakdownLine]


class PersonOut(ResponseModel):
    name: str
    id_type: str
    id_no: str
    phone: str | None = None
    email: str | None = None


class Policy(ResponseModel):
    policy_no: str
    status: Literal['in_force', 'cancelled', 'expired']
    product_code: str
    product_version: int
    plan_code: str
    premium: Money
    currency: Literal['CNY']
    sum_insured: Money
    start: Timestamp
    end: Timestamp
    policyholder: PersonOut
    insured: PersonOut
    risk: dict[str, RiskValue]
    issued_at: Timestamp
    endorsements: list[dict] = Field(
        description="Endorsements of the policy, oldest first")
    renewed_from: str | None = None
    renewed_to: str | None = None
    refund: Money | None = None


class ErrorDetail(ResponseModel):
    field: str | None = Field(
        None, description="The request field at fault, dotted")
    code: str | None = Field(None, description="A rule or reason code")
    message: str
    product_code: str | None = Field(
        None, description="An alternative product the channel may sell")


class ErrorBody(ResponseModel):
    code: str
    message: str
    details: list[ErrorDetail]


class Error(ResponseModel):
    error: ErrorBody


class Health(ResponseModel):
    status: Literal['ok', 'unavailable']
    database: Literal['reachable', 'unreachable']

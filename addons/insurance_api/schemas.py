"""What the bodies of every resource of the partner API are made of
(pydantic v2), and the error body.

Requests are strict: unknown fields and wrong JSON types are refused with
INVALID_REQUEST naming each field. The OpenAPI document is generated from
the models. Each resource declares its own bodies beside its endpoints.
"""
import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from trytond.modules.insurance_policy.policy import ID_TYPES

# PostgreSQL cannot store NUL characters in text.
WITHOUT_NUL = r'^[^\x00]*$'
# Explicit characters rather than \s, whose meaning differs between the
# regular expressions of JSON Schema and those of pydantic
NOT_BLANK = r'^[^\x00]*[^\x00-\x20\x7f][^\x00]*$'
EMAIL = r'^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$'


def text(pattern=WITHOUT_NUL, **constraints):
    "A string type; a pattern other than the default must exclude NUL"
    return Annotated[str, StringConstraints(pattern=pattern, **constraints)]


# Not stripped: the OpenAPI document could not tell " " is refused.
Code = text(min_length=1, max_length=32, pattern=r'^[A-Za-z0-9_-]+$')
Name = text(min_length=1, max_length=128, pattern=NOT_BLANK)
Money = Annotated[str, Field(
        pattern=r'^-?\d+\.\d{2}$', examples=['12.50'],
        description="Decimal amount with two places")]
Timestamp = Annotated[dt.datetime, Field(
        description="ISO 8601 with the +08:00 offset",
        examples=['2026-11-24T00:00:00+08:00'])]


def json_scalar(value):
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    if isinstance(value, str) and '\x00' in value:
        raise ValueError("must not hold NUL characters")
    if value is not None and not isinstance(value, (str, bool, int, float)):
        raise ValueError("must be a string, a number, a boolean or null")
    return value


SCALAR_SCHEMA = {'anyOf': [
        {'type': 'string', 'pattern': WITHOUT_NUL},
        {'type': ['number', 'boolean', 'null']},
        ]}
# One validator rather than a union, so that errors name the field alone
RiskValue = Annotated[
    Any, AfterValidator(json_scalar), WithJsonSchema(SCALAR_SCHEMA)]
# pydantic would express the key constraints as patternProperties, which
# leave other keys free: state them as propertyNames.
RISK_SCHEMA = {
    'type': 'object',
    'maxProperties': 64,
    'propertyNames': {
        'type': 'string', 'minLength': 1, 'maxLength': 64,
        'pattern': WITHOUT_NUL},
    'additionalProperties': SCALAR_SCHEMA,
    'description': "The product line's risk attributes, e.g. order_no for "
    "return shipping, account_id for account security",
    }
IdType = Literal[ID_TYPES]


class RequestModel(BaseModel):
    model_config = ConfigDict(
        extra='forbid', strict=True, allow_inf_nan=False)


class ResponseModel(BaseModel):
    model_config = ConfigDict(extra='forbid')


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

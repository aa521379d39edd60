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


# What the limits of the bodies bound: what PostgreSQL indexes and stores
# sanely, what the rating computes with Decimal, what a date can hold.
NUMBER_LIMIT = 10 ** 15
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
# Policy and claim numbers in paths: letters, digits and dashes
DOCUMENT_NUMBER = r'^[A-Za-z0-9-]{1,64}$'


def scalar(max_length=None):
    """The type of a value of risk attributes or claim details: a string of
    at most max_length characters, a finite number within NUMBER_LIMIT, a
    boolean or null (one validator rather than a union, so that errors name
    the field alone)"""
    def check(value):
        if isinstance(value, str):
            if '\x00' in value:
                raise ValueError("must not hold NUL characters")
            if max_length is not None and len(value) > max_length:
                raise ValueError(
                    f"must be at most {max_length} characters long")
        elif isinstance(value, (int, float)):
            if not (math.isfinite(value) and abs(value) <= NUMBER_LIMIT):
                raise ValueError(
                    f"must be a finite number within ±{NUMBER_LIMIT}")
        elif value is not None:
            raise ValueError("must be a string, a number, a boolean or null")
        return value
    string = {'type': 'string', 'pattern': WITHOUT_NUL}
    if max_length is not None:
        string['maxLength'] = max_length
    schema = {'anyOf': [string,
            {'type': 'number',
                'minimum': -NUMBER_LIMIT, 'maximum': NUMBER_LIMIT},
            {'type': ['boolean', 'null']},
            ]}
    return Annotated[Any, AfterValidator(check), WithJsonSchema(schema)]


RiskValue = scalar(64)
DetailValue = scalar(2000)
# What was stored, answered as it is
StoredValue = scalar()


def keyed(value_type, max_properties, description):
    """A JSON object of at most max_properties keys of 1 to 64 characters

    pydantic would express the key constraints as patternProperties, which
    leave other keys free: they are stated as propertyNames."""
    value_schema = value_type.__metadata__[-1].json_schema
    return Annotated[
        dict[text(min_length=1, max_length=64), value_type],
        Field(max_length=max_properties),
        WithJsonSchema({
                'type': 'object',
                'maxProperties': max_properties,
                'propertyNames': {
                    'type': 'string', 'minLength': 1, 'maxLength': 64,
                    'pattern': WITHOUT_NUL},
                'additionalProperties': value_schema,
                'description': description,
                })]


Risk = keyed(RiskValue, 64, "The product line's risk attributes, e.g. "
    "order_no for return shipping, account_id for account security")
# The years 1900 to 2100, as a pattern that generators of examples follow
DATE_PATTERN = r'^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$'
Date = Annotated[dt.date, Field(ge=FIRST_DATE, le=LAST_DATE),
    WithJsonSchema({
            'type': 'string', 'format': 'date', 'pattern': DATE_PATTERN,
            'description': f"From {FIRST_DATE} to {LAST_DATE}"})]
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

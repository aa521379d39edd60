"""Bodies of the endorsement, renewal and cancellation endpoints."""
import datetime as dt

from pydantic import Field

from .schemas import (
    NOT_BLANK,
    Code,
    Money,
    Policy,
    RequestModel,
    ResponseModel,
    Timestamp,
    text,
)


class EndorsementRequest(RequestModel):
    plan_code: Code = Field(description="The plan the policy moves to")
    effective_date: dt.date = Field(
        description="From this day in China, within the policy's term")


class RenewalRequest(RequestModel):
    plan_code: Code | None = Field(
        None, description="The plan of the next term; the same by default")


class CancellationRequest(RequestModel):
    reason: text(min_length=1, max_length=500, pattern=NOT_BLANK)
    effective_date: dt.date = Field(
        description="From this day in China; the refund is pro rata by "
        "day from it")


class Endorsement(ResponseModel):
    endorsement_no: str
    effective_date: dt.date
    plan_code_before: str
    plan_code_after: str
    premium_delta: Money = Field(
        description="(new - old premium) x days left / term days; "
        "negative is refunded")
    created_at: Timestamp
    policy: Policy

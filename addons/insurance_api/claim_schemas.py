"""Request and response bodies of the claims endpoints (pydantic v2)."""
import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from .schemas import (
    Money,
    RequestModel,
    ResponseModel,
    RiskValue,
    Timestamp,
    text,
)

ClaimNumber = text(strip_whitespace=True, min_length=1, max_length=64)
ClaimedAmount = Annotated[str, Field(
        pattern=r'^\d{1,14}\.\d{2}$', examples=['12.00'],
        description="Decimal amount with two places, in CNY")]
Details = Annotated[dict[text(min_length=1, max_length=64), RiskValue], Field(
        max_length=32,
        description="The claim details of the product's line of business, "
        "each typed (text, decimal, integer, date or one of a selection) and "
        "required or not as the line declares them, e.g. return_tracking_no "
        "for return shipping. A missing or mistyped detail answers 422 "
        "INVALID_CLAIM_DETAILS naming it in details.")]
ClaimStatus = Literal[
    'submitted', 'under_review', 'approved', 'rejected', 'paid', 'closed']


class ClaimRequest(RequestModel):
    policy_no: ClaimNumber
    incident_date: dt.date
    claimed_amount: ClaimedAmount
    details: Details = Field(default_factory=dict)


class ClaimUpdate(RequestModel):
    details: Details | None = Field(
        None, description="Merged into the claim's; a key set to null is "
        "removed")
    claimed_amount: ClaimedAmount | None = None


class RejectionReason(ResponseModel):
    code: str = Field(examples=['INVALID_TRACKING_NO'])
    message: str


class HistoryEntry(ResponseModel):
    "A change of state (field status) or of a field of the claim"
    at: Timestamp
    actor: str | None = Field(
        description="Who made the change: the channel, the insurer's staff "
        "or the adjudication")
    field: str = Field(examples=['status', 'details.return_tracking_no'])
    old_value: str | None
    new_value: str | None


class Claim(ResponseModel):
    claim_no: str
    policy_no: str
    status: ClaimStatus
    incident_date: dt.date
    claimed_amount: Money
    currency: Literal['CNY']
    details: dict[str, RiskValue]
    filed_at: Timestamp
    rejection_reason: RejectionReason | None
    paid_amount: Money | None
    payment_reference: str | None
    paid_at: Timestamp | None
    history: list[HistoryEntry] = Field(description="Oldest first")

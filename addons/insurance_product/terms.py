"""The immutable snapshot of a plan that the rating and rule engines read.

Plan.get_terms() builds it once from the database and caches it, so that
quoting and bulk issuance never touch the ORM per call.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta

TERM_UNITS = {
    'day': lambda n: relativedelta(days=n),
    'month': lambda n: relativedelta(months=n),
    'year': lambda n: relativedelta(years=n),
    }


def _as_char(attribute, value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(value)
    return value


def _as_decimal(attribute, value):
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        # Through str, as JSON parsers hand out 59.9 and not 59.899999...
        value = str(value)
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def _as_integer(attribute, value):
    number = _as_decimal(attribute, value)
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _as_date(attribute, value):
    if isinstance(value, dt.datetime):
        raise ValueError(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise ValueError(value)


def _as_selection(attribute, value):
    if value not in attribute.selection:
        raise ValueError(value)
    return value


PARSERS = {
    'char': _as_char,
    'decimal': _as_decimal,
    'integer': _as_integer,
    'date': _as_date,
    'selection': _as_selection,
    }


@dataclass(frozen=True, slots=True)
class RiskAttributeTerms:
    name: str
    type: str
    required: bool
    selection: tuple[str, ...] = ()

    def parse(self, value):
        "Return value converted to the attribute type or raise ValueError"
        return PARSERS[self.type](self, value)


@dataclass(frozen=True, slots=True)
class RatingRowTerms:
    factor: Decimal
    value: str | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None

    def matches_exact(self, value):
        return self.value == str(value)

    def matches_band(self, value):
        "Bands include their lower bound and exclude their upper bound"
        return ((self.lower is None or self.lower <= value)
            and (self.upper is None or value < self.upper))

    @property
    def label(self):
        if self.value is not None:
            return self.value
        lower = '' if self.lower is None else str(self.lower)
        upper = '' if self.upper is None else str(self.upper)
        return f'[{lower}, {upper})'


@dataclass(frozen=True, slots=True)
class RatingTableTerms:
    code: str
    name: str
    attribute: str
    match: str  # 'exact' or 'band'
    rows: tuple[RatingRowTerms, ...]
    default_factor: Decimal | None = None

    def find_row(self, value):
        "Return the first row matching value or None"
        if value is None:
            return None
        if self.match == 'band':
            return next(
                (r for r in self.rows if r.matches_band(value)), None)
        return next((r for r in self.rows if r.matches_exact(value)), None)


@dataclass(frozen=True, slots=True)
class CoverageTerms:
    code: str
    name: str
    sum_insured: Decimal


@dataclass(frozen=True, slots=True)
class RuleTerms:
    name: str
    expression: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class PlanTerms:
    id: int
    code: str
    name: str
    product_code: str
    version_id: int
    version_number: int
    version_state: str
    currency: str
    term_value: int
    term_unit: str
    base_premium: Decimal
    minimum_premium: Decimal
    sum_insured: Decimal
    coverages: tuple[CoverageTerms, ...] = ()
    risk_attributes: tuple[RiskAttributeTerms, ...] = ()
    rating_tables: tuple[RatingTableTerms, ...] = ()
    rules: tuple[RuleTerms, ...] = ()

    def risk_attribute(self, name):
        return next(
            (a for a in self.risk_attributes if a.name == name), None)

    def end_date(self, start):
        "Return the date the term starting on start ends"
        return start + TERM_UNITS[self.term_unit](self.term_value)

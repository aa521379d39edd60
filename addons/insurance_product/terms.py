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
class RatingCell:
    "The value (exact) or band (lower included, upper excluded) of a key"
    value: str | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None

    def matches(self, match, value):
        if match == 'band':
            return ((self.lower is None or self.lower <= value)
                and (self.upper is None or value < self.upper))
        return self.value == str(value)

    @property
    def label(self):
        if self.value is not None:
            return self.value
        lower = '' if self.lower is None else str(self.lower)
        upper = '' if self.upper is None else str(self.upper)
        return f'[{lower}, {upper})'


@dataclass(frozen=True, slots=True)
class RatingRowTerms:
    "A factor and its first key's cell; more: the cells of keys 2 and 3"
    factor: Decimal
    value: str | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    more: tuple[RatingCell, ...] = ()

    @property
    def cells(self):
        return (RatingCell(self.value, self.lower, self.upper),) + self.more

    def matches(self, matches, values):
        return all(cell.matches(match, value) for cell, match, value
            in zip(self.cells, matches, values, strict=True))

    @property
    def label(self):
        return ' × '.join(cell.label for cell in self.cells)


@dataclass(frozen=True, slots=True)
class RatingTableTerms:
    """Factors keyed by one risk attribute (attribute, match) or up to three
    (more_keys: the (attribute, match) of keys 2 and 3)"""
    code: str
    name: str
    attribute: str
    match: str  # 'exact' or 'band'
    rows: tuple[RatingRowTerms, ...]
    default_factor: Decimal | None = None
    more_keys: tuple[tuple[str, str], ...] = ()

    @property
    def keys(self):
        return ((self.attribute, self.match),) + self.more_keys

    def find_row(self, *values):
        "Return the first row matching the values of the keys or None"
        if any(v is None for v in values):
            return None
        matches = [match for _, match in self.keys]
        return next(
            (r for r in self.rows if r.matches(matches, values)), None)


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
class ClaimRuleTerms:
    "A condition a claim must meet to be paid, else rejected for code"
    name: str
    expression: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class LineTerms:
    "How claims of a line of business are described and settled"
    id: int
    code: str
    insured_object: tuple[str, ...]
    automatic: bool
    single_payment: bool
    claim_details: tuple[RiskAttributeTerms, ...] = ()
    rules: tuple[ClaimRuleTerms, ...] = ()
    payment_formula: str | None = None
    cap_at_sum_insured: bool = True
    payment_prefix: str = ''


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
    line_id: int | None = None
    # what names the insured object: risk attribute names, insured.id_no...
    insured_object: tuple[str, ...] = ()

    def risk_attribute(self, name):
        return next(
            (a for a in self.risk_attributes if a.name == name), None)

    def end_date(self, start):
        "Return the date the term starting on start ends"
        return start + TERM_UNITS[self.term_unit](self.term_value)

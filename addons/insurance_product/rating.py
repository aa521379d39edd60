"""The rating engine: the premium of a plan for a risk, with its breakdown.

premium = base premium x table factors x contract rate adjustment, raised to
the minimum premium, rounded half-up to the cent. It reads only the immutable
PlanTerms, so it is safe and fast to call thousands of times a second.
"""
from dataclasses import dataclass, fields
from decimal import Decimal

from trytond.i18n import gettext
from trytond.modules.insurance_base.money import money

from .exceptions import RatingError


@dataclass(frozen=True, slots=True)
class Step:
    "One line of the breakdown; amount is the running premium after it"
    kind: str  # base, factor, adjustment, minimum, rounding
    amount: Decimal
    factor: Decimal | None = None
    table: str | None = None
    attribute: str | None = None
    value: str | None = None
    row: str | None = None
    applied: bool | None = None


STEP_FIELDS = tuple(f.name for f in fields(Step))


@dataclass(frozen=True, slots=True)
class Quote:
    premium: Decimal
    currency: str
    breakdown: tuple[Step, ...]

    def as_dict(self):
        "Return the quote as JSON-ready data (Decimal as strings)"
        def clean(step):
            # Not dataclasses.asdict: its deep copies cost bulk issuance
            # a third of its time, and steps hold only immutable values.
            values = ((name, getattr(step, name)) for name in STEP_FIELDS)
            return {k: str(v) if isinstance(v, Decimal) else v
                for k, v in values if v is not None}
        return {
            'premium': str(self.premium),
            'currency': self.currency,
            'breakdown': [clean(s) for s in self.breakdown],
            }


def rate(plan_terms, risk, rate_adjustment=Decimal(1)):
    "Return the Quote of plan_terms for the risk attributes in risk"
    amount = plan_terms.base_premium
    steps = [Step('base', amount)]
    for table in plan_terms.rating_tables:
        step = _apply_table(plan_terms, table, risk, amount)
        amount = step.amount
        steps.append(step)
    amount *= rate_adjustment
    steps.append(Step('adjustment', amount, factor=rate_adjustment))
    floor_applies = amount < plan_terms.minimum_premium
    if floor_applies:
        amount = plan_terms.minimum_premium
    steps.append(Step('minimum', amount,
            value=str(plan_terms.minimum_premium), applied=floor_applies))
    premium = money(amount)
    steps.append(Step('rounding', premium))
    return Quote(premium, plan_terms.currency, tuple(steps))


def _apply_table(plan_terms, table, risk, amount):
    attributes = [attribute for attribute, _ in table.keys]
    values = [_risk_value(plan_terms, a, risk) for a in attributes]
    row = table.find_row(*values)
    attribute = ', '.join(attributes)
    value = None if all(v is None for v in values) else ', '.join(
        '' if v is None else str(v) for v in values)
    if row is not None:
        factor, label = row.factor, row.label
    elif table.default_factor is not None:
        factor, label = table.default_factor, None
    else:
        raise RatingError('RATING_NO_FACTOR', gettext(
                'insurance_product.msg_rating_no_factor',
                table=table.code, attribute=attribute, value=str(value)))
    return Step('factor', amount * factor, factor=factor, table=table.code,
        attribute=attribute, value=value, row=label)


def _risk_value(plan_terms, name, risk):
    "Return the typed value of the attribute name in risk, None if absent"
    value = risk.get(name)
    attribute = plan_terms.risk_attribute(name)
    if value is None or attribute is None:
        return value
    try:
        return attribute.parse(value)
    except ValueError:
        raise RatingError('RISK_ATTRIBUTE_INVALID', gettext(
                'insurance_product.msg_risk_attribute_invalid',
                attribute=name, type=attribute.type)) from None

"""Money: Decimal, two places, rounded half-up to the cent (四舍五入到分)."""
from decimal import ROUND_HALF_UP, Decimal

# The digits of every money field: fields.Numeric(..., digits=MONEY_DIGITS)
MONEY_DIGITS = (16, 2)
CENT = Decimal('0.01')


def money(amount):
    "amount as a Decimal rounded half-up to the cent"
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(amount):
    "The text partners read for amount: '12.50'; None stays None"
    return None if amount is None else str(money(amount))

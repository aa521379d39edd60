"""Pro rata by day: the share of a term's premium for the days left.

Days are counted on the dates in China between the policy's start and end
(a one-year term has 365 or 366 days), money is rounded half-up to 0.01.
"""
from decimal import Decimal

from trytond.modules.insurance_base.money import money
from trytond.modules.insurance_base.timezone import china_date


def term_days(policy):
    return (china_date(policy.ends_at) - china_date(policy.starts_at)).days


def days_left(policy, day):
    "The days of the policy's term from day (or its start, if later) on"
    since = max(day, china_date(policy.starts_at))
    return max((china_date(policy.ends_at) - since).days, 0)


def prorate(amount, policy, day):
    "The share of amount, a full term's premium, for the days left from day"
    share = Decimal(amount) * days_left(policy, day) / term_days(policy)
    return money(share)

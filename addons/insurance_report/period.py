"""Months of the business: YYYY-MM in China, as naive UTC bounds."""
import datetime as dt
import re

from trytond.modules.insurance_base.timezone import china_midnight

PERIOD_FORMAT = re.compile(r'^\d{4}-(0[1-9]|1[0-2])$')


def is_period(text):
    return bool(text and PERIOD_FORMAT.match(text))


def first_day(period):
    year, month = map(int, period.split('-'))
    return dt.date(year, month, 1)


def next_first_day(day):
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_bounds(period):
    "The naive UTC [start, end) of the month period in China"
    start = first_day(period)
    return china_midnight(start), china_midnight(next_first_day(start))


def china_days(period):
    "The naive UTC [start, end) of each day of the month period in China"
    day, end = first_day(period), next_first_day(first_day(period))
    while day < end:
        following = day + dt.timedelta(days=1)
        yield china_midnight(day), china_midnight(following)
        day = following

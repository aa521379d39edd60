"""Business statistics (业务统计) by channel, product, plan and period.

Issuing a policy does not touch the statistics: a counter row per day
updated by every issue would serialise issuance (50 to 2,000 issues a
second). Instead a cron job recomputes, every minute, the China days on
which something was stamped since its previous run (minus a safety lag),
from the policies and claims themselves. Recomputing a day is idempotent,
so the overlap the lag brings costs a re-read but never counts twice, and
a transaction committing after the run that followed its stamp (commit
order is not stamp order) is caught by the next run.
"""
import datetime as dt
from itertools import groupby

from sql import Column, Null
from sql.aggregate import Max, Min, Sum
from sql.conditionals import Case
from sql.functions import DateTrunc, Round

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.insurance_base.money import MONEY_DIGITS
from trytond.modules.insurance_base.timezone import (
    china_midnight,
    china_today,
    in_china,
    utcnow,
)
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import statistics_sql as sql

# Longer than any transaction writing policies or claims stays open
REFRESH_LAG = dt.timedelta(minutes=10)
# An advisory lock key of refreshes: one at a time
REFRESH_LOCK = 0x5354_4154
COPIED_COLUMNS = ['id', 'create_uid', 'create_date', 'write_uid',
    'write_date', 'channel', 'product', 'plan', *sql.MEASURES]
PERIODS = [
    ('day', "Day"),
    ('week', "Week"),
    ('month', "Month"),
    ]


class Measures:
    "The figures of a period"
    __slots__ = ()

    policies_issued = fields.Integer("Policies Issued", readonly=True)
    premium = fields.Numeric(
        "Premium Written", digits=MONEY_DIGITS, readonly=True,
        help="Issued premium plus endorsement premium differences.")
    cancellations = fields.Integer("Cancellations", readonly=True)
    refunds = fields.Numeric("Refunds", digits=MONEY_DIGITS, readonly=True)
    claims_reported = fields.Integer("Claims Reported", readonly=True)
    claims_paid = fields.Integer("Claims Paid", readonly=True)
    paid_amount = fields.Numeric(
        "Paid Amount", digits=MONEY_DIGITS, readonly=True)


class Dimensions:
    __slots__ = ()

    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, readonly=True,
        ondelete='RESTRICT')
    product = fields.Many2One(
        'insurance.product', "Product", required=True, readonly=True,
        ondelete='RESTRICT')
    plan = fields.Many2One(
        'insurance.plan', "Plan", required=True, readonly=True,
        ondelete='RESTRICT')


class StatisticsDay(Dimensions, Measures, ModelSQL, ModelView):
    __name__ = 'insurance.statistics.day'
    __string__ = "Business Statistics per Day"

    day = fields.Date("Day", required=True, readonly=True,
        help="The day in China.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('key_unique', Unique(t, t.day, t.channel, t.product, t.plan),
                'insurance_report.msg_statistics_key_unique'),
            ]
        cls._order = [('day', 'DESC'), ('channel', 'ASC'),
            ('product', 'ASC'), ('plan', 'ASC'), ('id', 'ASC')]

    @classmethod
    def refresh(cls):
        "Recompute the days touched since the previous refresh"
        Watermark = Pool().get('insurance.statistics.watermark')
        if not refresh_lock():
            return  # the refresh running does the work
        watermark = Watermark.current()
        started = utcnow()
        if watermark.refreshed_at:
            ranges = day_ranges(
                cls.touched_days(watermark.refreshed_at - REFRESH_LAG))
        else:
            ranges = cls.all_days()
        for first_day, last_day in ranges:
            cls.recompute(first_day, last_day)
        watermark.refreshed_at = started
        watermark.save()

    @classmethod
    def all_days(cls):
        "The range of days from the first issue (the first fact) to today"
        cursor = Transaction().connection.cursor()
        cursor.execute(*sql.first_issue())
        first_issue, = cursor.fetchone()
        if first_issue is None:
            return []
        return [(in_china(first_issue).date(), china_today())]

    @classmethod
    def touched_days(cls, since):
        cursor = Transaction().connection.cursor()
        cursor.execute(*sql.touched_days(since))
        return [day for day, in cursor]

    @classmethod
    def recompute(cls, first_day, last_day):
        "Recompute the China days from first_day to last_day included"
        cursor = Transaction().connection.cursor()
        cursor.execute(*sql.recompute(
                start=china_midnight(first_day),
                end=china_midnight(last_day + dt.timedelta(days=1)),
                first_day=first_day, last_day=last_day))


def refresh_lock():
    "Take the lock of refreshes till the end of the transaction, if free"
    cursor = Transaction().connection.cursor()
    cursor.execute('SELECT pg_try_advisory_xact_lock(%s)', (REFRESH_LOCK,))
    locked, = cursor.fetchone()
    return locked


def day_ranges(days):
    "The runs of consecutive days of the sorted days, as (first, last)"
    def run(indexed_day):
        index, day = indexed_day
        return day - dt.timedelta(days=index)
    for _, days_of_run in groupby(enumerate(days), key=run):
        days_of_run = [day for _, day in days_of_run]
        yield days_of_run[0], days_of_run[-1]


class StatisticsWatermark(ModelSQL):
    __name__ = 'insurance.statistics.watermark'
    __string__ = "Business Statistics Watermark"

    refreshed_at = fields.Timestamp(
        "Refreshed At", help="When the last refresh started.")

    @classmethod
    def current(cls):
        watermarks = cls.search([], limit=1)
        return watermarks[0] if watermarks else cls(refreshed_at=None)


class Statistics(Dimensions, Measures, ModelSQL, ModelView):
    """The daily figures summed per day, week or month: the context key
    'period' chooses."""
    __name__ = 'insurance.statistics'
    __string__ = "Business Statistics"

    period_start = fields.Date("Period", readonly=True,
        help="The first day of the day, week (Monday) or month in China.")
    loss_ratio = fields.Numeric(
        "Loss Ratio", digits=(16, 4), readonly=True,
        help="Paid amount / premium written.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('period_start', 'DESC'), ('channel', 'ASC'),
            ('product', 'ASC'), ('plan', 'ASC'), ('id', 'ASC')]

    @classmethod
    def period(cls):
        period = Transaction().context.get('period')
        return period if period in dict(PERIODS) else 'month'

    @classmethod
    def table_query(cls):
        daily = Pool().get('insurance.statistics.day').__table__()
        # The grouping on a column of a subquery: a parameter of DateTrunc
        # written twice would not be the same expression to PostgreSQL.
        dated = daily.select(
            *[Column(daily, c) for c in COPIED_COLUMNS],
            DateTrunc(cls.period(), daily.day).cast('DATE').as_(
                'period_start'))
        premium, paid_amount = Sum(dated.premium), Sum(dated.paid_amount)
        return dated.select(
            # The rows of a group belong to no other: their least id is
            # an id of the group that stays the same from read to read.
            Min(dated.id).as_('id'),
            Max(dated.create_uid).as_('create_uid'),
            Max(dated.create_date).as_('create_date'),
            Max(dated.write_uid).as_('write_uid'),
            Max(dated.write_date).as_('write_date'),
            dated.period_start, dated.channel, dated.product, dated.plan,
            *[Sum(Column(dated, m)).as_(m) for m in sql.MEASURES],
            Case((premium > 0, Round(paid_amount / premium, 4)),
                else_=Null).as_('loss_ratio'),
            group_by=[dated.period_start, dated.channel, dated.product,
                dated.plan])

"""The SQL behind the daily statistics: what happened on which China day.

Each business fact is dated by the time it was stamped with (issued,
cancelled, endorsed, filed, paid), read in China (+08:00, no daylight
saving time).

The queries are built with python-sql from the models' tables
(insurance_base.tables.model_table): a column renamed in another module
fails when the query is built, which the module's tests do for each one.
"""
import datetime as dt

from sql import Cast, Conflict, Expression, Literal, Table, Union, With
from sql.aggregate import Min, Sum
from sql.conditionals import Coalesce
from sql.operators import And, Exists, IsDistinct, Or

from trytond.modules.insurance_base.tables import created, model_table
from trytond.pool import Pool

CHINA_OFFSET = dt.timedelta(hours=8)


class _Excluded(Table):
    """The row ON CONFLICT proposed (python-sql's Excluded is written
    "EXCLUDED", a name PostgreSQL does not know once quoted)"""
    __slots__ = ()

    def __init__(self):
        super().__init__('excluded')

    @property
    def alias(self):
        return 'excluded'


Excluded = _Excluded()
MEASURES = ['policies_issued', 'premium', 'cancellations', 'refunds',
    'claims_reported', 'claims_paid', 'paid_amount']
KEY = ['day', 'channel', 'product', 'plan']


def tables(*names):
    pool = Pool()
    return [model_table(pool.get(name)) for name in names]


def china_day(stamp):
    "The day in China of the naive UTC timestamp column stamp"
    return Cast(stamp + CHINA_OFFSET, 'DATE')


def first_issue():
    policy, = tables('insurance.policy')
    return policy.select(Min(policy.issued_at))


def touched_days(since):
    "The China days on which a fact was stamped since since, sorted"
    policy, endorsement, claim = tables('insurance.policy',
        'insurance.policy.endorsement', 'insurance.claim')
    stamps = [(policy, policy.issued_at), (policy, policy.cancelled_at),
        (endorsement, endorsement.created_at), (claim, claim.filed_at),
        (claim, claim.paid_at)]
    days = Union(*(table.select(china_day(stamp).as_('day'),
                where=stamp >= since)
            for table, stamp in stamps))
    return days.select(days.day, order_by=[days.day])


def facts(start, end):
    """The facts of [start, end), one row per fact: the KEY, then the
    measures it adds to, in the order of MEASURES"""
    policy, endorsement, claim = tables('insurance.policy',
        'insurance.policy.endorsement', 'insurance.claim')

    def of_policy(stamp, *measures, from_=policy):
        return from_.select(china_day(stamp), policy.channel,
            policy.product, policy.plan,
            *(m if isinstance(m, Expression) else Literal(m)
                for m in measures),
            where=(stamp >= start) & (stamp < end))
    endorsed = endorsement.join(policy,
        condition=policy.id == endorsement.policy)
    claimed = claim.join(policy, condition=policy.id == claim.policy)
    return Union(
        of_policy(policy.issued_at, 1, policy.premium, 0, 0, 0, 0, 0),
        of_policy(policy.cancelled_at, 0, 0, 1, Coalesce(policy.refund, 0),
            0, 0, 0),
        of_policy(endorsement.created_at, 0, endorsement.premium_delta, 0, 0,
            0, 0, 0, from_=endorsed),
        of_policy(claim.filed_at, 0, 0, 0, 0, 1, 0, 0, from_=claimed),
        of_policy(claim.paid_at, 0, 0, 0, 0, 0, 1, claim.paid_amount,
            from_=claimed),
        all_=True)


def recompute(start, end, first_day, last_day):
    """Recompute the days of [start, end): upsert their rows, writing only
    those whose figures changed, and drop the rows nothing backs any more"""
    day, = tables('insurance.statistics.day')
    fact = With(*KEY, *MEASURES, query=facts(start, end))
    # Named apart from the day's columns, which the DELETE below names
    # without its table
    computed = With(*(f'computed_{n}' for n in KEY + MEASURES),
        query=fact.select(*(getattr(fact, k) for k in KEY),
            *(Sum(getattr(fact, m)) for m in MEASURES),
            group_by=[getattr(fact, k) for k in KEY]))

    def computed_column(name):
        return getattr(computed, f'computed_{name}')
    stale = With(query=day.delete(
            where=(day.day >= first_day) & (day.day <= last_day)
            & ~Exists(computed.select(Literal(1),
                    where=And([computed_column(k) == getattr(day, k)
                            for k in KEY])))))
    changed = Or([IsDistinct(getattr(day, m), getattr(Excluded, m))
            for m in MEASURES])
    creation, (user, now) = created(day)
    return day.insert(
        [*creation, *(getattr(day, n) for n in KEY + MEASURES)],
        computed.select(Literal(user), now,
            *(computed_column(n) for n in KEY + MEASURES)),
        with_=[fact, computed, stale],
        on_conflict=_upsert(day, changed))


def _upsert(day, changed):
    measures = [getattr(day, m) for m in MEASURES]
    return Conflict(day,
        indexed_columns=[getattr(day, k) for k in KEY],
        columns=[*measures, day.write_uid, day.write_date],
        values=[*(getattr(Excluded, m) for m in MEASURES),
            Excluded.create_uid, Excluded.create_date],
        where=changed)

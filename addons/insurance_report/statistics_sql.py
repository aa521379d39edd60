"""The SQL behind the daily statistics: what happened on which China day.

Each business fact is dated by the time it was stamped with (issued,
cancelled, endorsed, filed, paid), read in China (+08:00, no daylight
saving time).
"""

_CHINA_DAY = "({} + INTERVAL '8 hours')::date"

FIRST_ISSUE = "SELECT MIN(issued_at) FROM insurance_policy"

# The stamps of the facts, and their tables
STAMPS = [
    ('issued_at', 'insurance_policy'),
    ('cancelled_at', 'insurance_policy'),
    ('created_at', 'insurance_policy_endorsement'),
    ('filed_at', 'insurance_claim'),
    ('paid_at', 'insurance_claim'),
    ]
TOUCHED_DAYS = ' UNION '.join(
    f"SELECT {_CHINA_DAY.format(stamp)} AS day FROM {table} "
    f"WHERE {stamp} >= %(since)s"
    for stamp, table in STAMPS) + ' ORDER BY day'

MEASURES = ['policies_issued', 'premium', 'cancellations', 'refunds',
    'claims_reported', 'claims_paid', 'paid_amount']
_KEY = ['day', 'channel', 'product', 'plan']


def _between(column):
    return f"{column} >= %(start)s AND {column} < %(end)s"


# The facts of [%(start)s, %(end)s), one row per fact, with the measures
# it adds to, in the order of MEASURES
FACTS = f"""
    SELECT {_CHINA_DAY.format('p.issued_at')}, p.channel, p.product, p.plan,
        1, p.premium, 0, 0, 0, 0, 0
    FROM insurance_policy AS p
    WHERE {_between('p.issued_at')}
    UNION ALL
    SELECT {_CHINA_DAY.format('p.cancelled_at')}, p.channel, p.product,
        p.plan, 0, 0, 1, COALESCE(p.refund, 0), 0, 0, 0
    FROM insurance_policy AS p
    WHERE {_between('p.cancelled_at')}
    UNION ALL
    SELECT {_CHINA_DAY.format('e.created_at')}, p.channel, p.product,
        p.plan, 0, e.premium_delta, 0, 0, 0, 0, 0
    FROM insurance_policy_endorsement AS e
    JOIN insurance_policy AS p ON p.id = e.policy
    WHERE {_between('e.created_at')}
    UNION ALL
    SELECT {_CHINA_DAY.format('c.filed_at')}, p.channel, p.product, p.plan,
        0, 0, 0, 0, 1, 0, 0
    FROM insurance_claim AS c
    JOIN insurance_policy AS p ON p.id = c.policy
    WHERE {_between('c.filed_at')}
    UNION ALL
    SELECT {_CHINA_DAY.format('c.paid_at')}, p.channel, p.product, p.plan,
        0, 0, 0, 0, 0, 1, c.paid_amount
    FROM insurance_claim AS c
    JOIN insurance_policy AS p ON p.id = c.policy
    WHERE {_between('c.paid_at')}"""

_columns = ', '.join(_KEY + MEASURES)
_sums = ', '.join(f'SUM({m})' for m in MEASURES)
_key_match = ' AND '.join(f'c.{k} = d.{k}' for k in _KEY)
_updates = ', '.join(f'{m} = EXCLUDED.{m}' for m in MEASURES)
_current = ', '.join(f'd.{m}' for m in MEASURES)
_new = ', '.join(f'EXCLUDED.{m}' for m in MEASURES)

# Recompute the days of [%(start)s, %(end)s): upsert their rows, writing
# only those whose figures changed, and drop the rows nothing backs any more.
RECOMPUTE = f"""
    WITH facts ({_columns}) AS ({FACTS}),
    computed AS (
        SELECT {', '.join(_KEY)}, {_sums}
        FROM facts
        GROUP BY {', '.join(_KEY)}),
    stale AS (
        DELETE FROM insurance_statistics_day AS d
        WHERE d.day >= %(first_day)s AND d.day <= %(last_day)s
            AND NOT EXISTS (
                SELECT 1 FROM computed AS c WHERE {_key_match}))
    INSERT INTO insurance_statistics_day AS d (
        create_uid, create_date, {_columns})
    SELECT %(user)s, %(now)s, * FROM computed
    ON CONFLICT ({', '.join(_KEY)}) DO UPDATE
        SET {_updates},
            write_uid = EXCLUDED.create_uid,
            write_date = EXCLUDED.create_date
        WHERE ({_current}) IS DISTINCT FROM ({_new})"""

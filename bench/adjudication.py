#!/usr/bin/env python3
"""Time the automatic adjudication over many submitted return-shipping claims.

Creates a scratch demo database, issues one policy through the issuance
engine and clones it with SQL into as many policies, files about --claims
claims on them with SQL (one in ten with a malformed tracking number, one
policy in twenty with a second claim), then times the cron's task
(Claim.adjudicate_submitted, batches of 1,000 per transaction) and
prints the figures; the database is dropped unless --keep.

    .venv/bin/python bench/adjudication.py --claims 100000
"""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault('TRYTOND_CONFIG', str(ROOT / 'config' / 'trytond.conf'))
os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')

from tests.server import drop_database, install_demo_database  # noqa: E402

CHANNEL = 'TAOMALL'
# Policy columns the clones set themselves
CLONE_VALUES = {
    'number': "'B' || lpad(g::text, 12, '0')",
    'external_reference': "'BENCH' || lpad(g::text, 12, '0')",
    'idempotency_key': 'NULL',
    }


def issue_template_policy():
    from trytond.modules.insurance_base.timezone import china_today
    from trytond.modules.insurance_policy import issuance
    from trytond.pool import Pool
    Channel = Pool().get('insurance.channel')
    channel, = Channel.search([('code', '=', CHANNEL)])
    person = issuance.Person(
        name="张三", id_type='ID_CARD', id_number='110101199003071234')
    return issuance.issue(channel.id, issuance.Application(
            product_code='RETURN_SHIPPING', plan_code='STANDARD',
            effective_date=china_today(), policyholder=person,
            insured=person, risk={
                'order_no': 'BENCH-TEMPLATE', 'order_amount': '199.00',
                'goods_category': 'apparel', 'return_rate_band': 'B',
                'buyer_id': 'b-1', 'seller_id': 's-1',
                'shipping_tracking_no': 'SF1234567890'}))


def clone_policies(cursor, template_id, count):
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'insurance_policy' AND column_name <> 'id'")
    columns = [name for name, in cursor.fetchall()]
    values = [CLONE_VALUES.get(c, f'p."{c}"') for c in columns]
    quoted = ', '.join(f'"{c}"' for c in columns)
    cursor.execute(
        f'INSERT INTO insurance_policy ({quoted}) '
        f'SELECT {", ".join(values)} FROM insurance_policy p, '
        f'generate_series(1, %s) g WHERE p.id = %s',
        (count, template_id))


def file_claims(cursor, template_id, incident_date):
    "One claim per cloned policy, a second on one in twenty"
    cursor.execute("""
        INSERT INTO insurance_claim (number, policy, channel, line,
            single_payment, source, filed_at, incident_date, claimed_amount,
            details, state, create_uid, create_date)
        SELECT 'CB' || lpad(p.id::text, 10, '0') || '-' || n, p.id,
            p.channel, l.id, l.single_payment, 'api',
            now() AT TIME ZONE 'UTC',
            %(incident_date)s, 12.00,
            jsonb_build_object('return_tracking_no', CASE
                WHEN p.id %% 10 = 3 THEN 'SF123'
                ELSE 'SF' || lpad(p.id::text, 10, '0') END),
            'submitted', 0, now() AT TIME ZONE 'UTC'
        FROM insurance_policy p
        JOIN insurance_product pr ON pr.id = p.product
        JOIN insurance_line l ON l.id = pr.line
        CROSS JOIN generate_series(1, 2) n
        WHERE p.number LIKE 'B%%' AND p.id <> %(template)s
            AND (n = 1 OR p.id %% 20 = 0)""",
        {'incident_date': incident_date, 'template': template_id})
    return cursor.rowcount


def prepare(database, count):
    from trytond.modules.insurance_base.timezone import china_today
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        template = issue_template_policy()
        cursor = transaction.connection.cursor()
        clone_policies(cursor, template.id, policies_for(count))
        filed = file_claims(cursor, template.id, china_today())
        cursor.execute('ANALYZE')
    return filed


def policies_for(claims):
    "As many policies as make about claims claims, a twentieth having two"
    return round(claims * 20 / 21)


def adjudicate(database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        Claim = Pool().get('insurance.claim')
        started = time.perf_counter()
        Claim.adjudicate_submitted()
        elapsed = time.perf_counter() - started
        cursor = transaction.connection.cursor()
        cursor.execute(
            "SELECT state, COALESCE(rejection_code, ''), count(*) "
            "FROM insurance_claim GROUP BY 1, 2 ORDER BY 1, 2")
        outcome = cursor.fetchall()
    return elapsed, outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--claims', type=int, default=100_000,
        help="submitted claims to adjudicate (about)")
    parser.add_argument('--keep', action='store_true',
        help="keep the scratch database")
    options = parser.parse_args()
    database = f'insurance_bench_adjudication_{os.getpid()}'
    install_demo_database(database)
    try:
        from trytond.pool import Pool
        Pool.start()
        Pool(database).init()
        started = time.perf_counter()
        filed = prepare(database, options.claims)
        print(f"Filed {filed} submitted claims in "
            f"{time.perf_counter() - started:.1f} s")
        elapsed, outcome = adjudicate(database)
        print(f"Adjudicated {filed} claims in {elapsed:.1f} s "
            f"({filed / elapsed:.0f} claims/s)")
        for state, code, count in outcome:
            print(f"  {state:10} {code:20} {count}")
    finally:
        if not options.keep:
            drop_database(database)


if __name__ == '__main__':
    main()

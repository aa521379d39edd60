#!/usr/bin/env python3
"""Load a realistic year of business into PostgreSQL through COPY.

7.3 million policies and 3.65 million claims (at --scale 1), with their
cancellations and endorsements, spread over the demo channels, products,
plans and the days of the year as bench/volume_business.py describes; then
the sequences are moved past the loaded numbers and the statistics
aggregates refreshed. Into a database where the modules are active and the
demo data loaded:

    export TRYTOND_CONFIG=config/trytond.conf \\
        TRYTOND_DATABASE__URI=postgresql://postgres@127.0.0.1:5432/ \\
        TRYTOND_DATABASE__LANGUAGE=en
    trytond-admin -d DB -u insurance_api insurance_report \\
        --activate-dependencies
    python scripts/demo_data.py --database DB
    python bench/volume.py --database DB [--scale 0.01] [--year 2025]
        [--start 2025-11-01 --days 30]

The demo contracts are dated back to the start of the year, as if signed
then. Not loaded: the claims' change log and callback outbox (history that
no figure reads).
"""
import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import psycopg

from trytond.modules.insurance_base.timezone import china_midnight, utcnow

sys.path.insert(0, str(Path(__file__).resolve().parent))

from volume_business import (  # noqa: E402
    CHANNEL_SHARES,
    CLAIM_COLUMNS,
    ENDORSEMENT_COLUMNS,
    PLAN_SHARES,
    POLICY_COLUMNS,
    RETURN_RISKS,
    THEFT_RISKS,
    Numbers,
    Profile,
    Year,
    as_json,
    days_of,
)
from volume_copy import (  # noqa: E402
    Clock,
    advance_sequences,
    copy_rows,
    indexes_built_after,
    next_values,
)

PRODUCT_OF_CHANNEL = {'TAOMALL': 'RETURN_SHIPPING',
    'ZHIFUPAY': 'ACCOUNT_SECURITY'}
RISKS_OF_PRODUCT = {'RETURN_SHIPPING': RETURN_RISKS,
    'ACCOUNT_SECURITY': THEFT_RISKS}
TABLES = {
    # table: (number sequence, number prefix, digits)
    'insurance_policy': ('insurance_policy_number_seq', 'P', 10),
    'insurance_claim': ('insurance_claim_number_seq', 'C', 10),
    'insurance_policy_endorsement': (
        'insurance_policy_endorsement_number_seq', 'E', 8),
    }


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', required=True)
    parser.add_argument('--scale', type=float, default=1.0,
        help="the share of the seed's volume (0.01 for a quick run)")
    parser.add_argument('--year', type=int,
        default=dt.date.today().year - 1)
    parser.add_argument('--start', type=dt.date.fromisoformat,
        help="load only from this day of the year")
    parser.add_argument('--days', type=int, help="load only so many days")
    return parser.parse_args()


def uri(database):
    base = os.environ.get(
        'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')
    return base.rstrip('/') + '/' + database


def trytond_transaction(database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database).init()
    return Transaction().start(database, 0)


def sale_profiles(database):
    "The Profiles of the demo channels, priced by the rating engine"
    from trytond.modules.insurance_policy.sale_terms import sale_terms
    from trytond.modules.insurance_product.rating import rate
    from trytond.pool import Pool
    with trytond_transaction(database):
        pool = Pool()
        Channel, Plan = pool.get('insurance.channel'), pool.get(
            'insurance.plan')
        profiles = []
        for channel in Channel.search([
                    ('code', 'in', list(CHANNEL_SHARES))]):
            product = PRODUCT_OF_CHANNEL[channel.code]
            terms = sale_terms(channel.id, product)
            risks = RISKS_OF_PRODUCT[product]
            total = sum(weight for _, weight in risks)
            for plan_code, plan_id in terms.plans:
                plan = Plan(plan_id).get_terms()
                for risk, weight in risks:
                    quote = rate(plan, risk, terms.rate_adjustment)
                    profiles.append(Profile(terms, plan, risk,
                            quote.premium, as_json(quote.as_dict()),
                            CHANNEL_SHARES[channel.code]
                            * PLAN_SHARES[plan_code] * weight / total))
        return profiles


def date_contracts_back(connection, profiles, first_day):
    "The demo contracts and their versions start with the loaded year"
    versions = sorted({p.channel.contract_version_id for p in profiles})
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE insurance_contract SET start_date = LEAST(start_date, %s)
            WHERE id IN (SELECT contract FROM insurance_contract_version
                WHERE id = ANY(%s))""", (first_day, versions))
        cursor.execute("""
            UPDATE insurance_contract_version
            SET effective_from = LEAST(effective_from, %s)
            WHERE id = ANY(%s)""", (china_midnight(first_day), versions))
    connection.commit()


def numbering(connection):
    numbers = {}
    for table, (sequence, prefix, digits) in TABLES.items():
        next_id, next_value = next_values(connection, table, sequence)
        numbers[table] = Numbers(next_id, next_value, prefix, digits)
    return numbers


def load(connection, year, clock):
    with indexes_built_after(connection, list(TABLES), clock):
        with clock('copy policies'):
            copy_rows(connection, 'insurance_policy', POLICY_COLUMNS,
                year.policy_rows())
        with clock('copy endorsements'):
            copy_rows(connection, 'insurance_policy_endorsement',
                ENDORSEMENT_COLUMNS, year.endorsement_rows())
        with clock('copy claims'):
            copy_rows(connection, 'insurance_claim', CLAIM_COLUMNS,
                year.claim_rows())
        connection.commit()


def refresh_statistics(database):
    from trytond.pool import Pool
    with trytond_transaction(database) as transaction:
        Pool().get('insurance.statistics.day').refresh()
        transaction.commit()


def main():
    arguments = parse_arguments()
    clock = Clock()
    days = days_of(arguments.year, arguments.start, arguments.days)
    with clock('price the profiles'):
        profiles = sale_profiles(arguments.database)
    with psycopg.connect(uri(arguments.database)) as connection:
        date_contracts_back(connection, profiles, days[0][0])
        numbers = numbering(connection)
        now = utcnow()
        year = Year(profiles, days, arguments.scale, now, {
                'policy': numbers['insurance_policy'],
                'claim': numbers['insurance_claim'],
                'endorsement': numbers['insurance_policy_endorsement']})
        load(connection, year, clock)
        for table, (sequence, _, _) in TABLES.items():
            advance_sequences(connection, table, sequence, numbers[table])
        with clock('analyze'):
            connection.execute('ANALYZE insurance_policy')
            connection.execute('ANALYZE insurance_claim')
            connection.execute('ANALYZE insurance_policy_endorsement')
            connection.commit()
    with clock('refresh statistics'):
        refresh_statistics(arguments.database)
    print(f"loaded {year.counts} in {clock.total / 60:.1f} min")


if __name__ == '__main__':
    main()

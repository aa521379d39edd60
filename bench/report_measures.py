#!/usr/bin/env python3
"""Measure the reporting figures on a database loaded by bench/volume.py.

    python bench/report_measures.py --database DB lookups [--period 2025-11]
    /usr/bin/time -v python bench/report_measures.py --database DB \\
        statement --channel TAOMALL --period 2025-11

lookups: a month's statistics for all channels, a policy by number and by
policyholder phone, through the ORM as the back office asks them (best and
median of several runs, in ms).

statement: builds and exports the channel's statement of the month in one
process, printing the time and the peak memory. The months before are first
marked as stated (their records put in a confirmed statement by SQL, as
months of confirmations would have), so that the statement holds its month
only.
"""
import argparse
import datetime as dt
import random
import resource
import statistics
import sys
import time

from volume import trytond_transaction

RUNS = 7


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', required=True)
    commands = parser.add_subparsers(dest='command', required=True)
    lookups = commands.add_parser('lookups')
    lookups.add_argument('--period', default='2025-11')
    statement = commands.add_parser('statement')
    statement.add_argument('--channel', default='TAOMALL')
    statement.add_argument('--period', default='2025-11')
    return parser.parse_args()


def timed(function, runs=RUNS):
    "The best and median milliseconds of function over runs"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def report(name, times, answer):
    best, median = times
    print(f'{name}: best {best:.1f} ms, median {median:.1f} ms ({answer})')


def lookups(period):
    from trytond.modules.insurance_report.period import first_day
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Statistics, Policy = pool.get('insurance.statistics'), pool.get(
        'insurance.policy')
    month = first_day(period)

    def month_statistics():
        with Transaction().set_context(period='month'):
            rows = Statistics.search([('period_start', '=', month)])
            Statistics.read([r.id for r in rows], [
                    'channel.rec_name', 'product.rec_name', 'plan.rec_name',
                    'policies_issued', 'premium', 'cancellations', 'refunds',
                    'claims_reported', 'claims_paid', 'paid_amount',
                    'loss_ratio'])
            return rows
    report("month's statistics, all channels", timed(month_statistics),
        f'{len(month_statistics())} rows')

    number, phone = sample_policy()
    for name, domain in [
            ('policy by number', [('number', '=', number)]),
            ('policies by policyholder phone',
                [('policyholder_phone', '=', phone)])]:
        def find(domain=domain):
            return Policy.read(
                [p.id for p in Policy.search(domain)], ['number', 'state'])
        report(name, timed(find), f'{len(find())} found')
        Transaction().connection.rollback()


def sample_policy():
    "The number and phone of a policy somewhere in the table"
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    cursor.execute('SELECT MAX(id) FROM insurance_policy')
    last, = cursor.fetchone()
    cursor.execute(
        'SELECT number, policyholder_phone FROM insurance_policy '
        'WHERE id >= %s ORDER BY id LIMIT 1',
        (random.Random(7).randint(1, last),))
    return cursor.fetchone()


def mark_months_before_as_stated(channel, period):
    "A confirmed statement holding every record of channel before period"
    from trytond.modules.insurance_report.period import month_bounds
    from trytond.modules.insurance_report.statement import BEGINNING, KINDS
    from trytond.pool import Pool
    Statement = Pool().get('insurance.statement')
    month_start, _ = month_bounds(period)
    last_day_before = (month_start + dt.timedelta(hours=8)  # in China
        - dt.timedelta(days=1))
    before = f'{last_day_before:%Y-%m}'
    if Statement.search([('channel', '=', channel.id),
                ('period', '=', before)]):
        return
    stated, = Statement.create([{'channel': channel.id, 'period': before}])
    for kind, _ in KINDS:
        stated._take_in(kind, BEGINNING, month_start)
    Statement.write([stated], {'state': 'confirmed', 'build_state': 'done'})


def build_statement(channel_code, period):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Channel, Statement = pool.get('insurance.channel'), pool.get(
        'insurance.statement')
    channel, = Channel.search([('code', '=', channel_code)])
    mark_months_before_as_stated(channel, period)
    Transaction().commit()
    rss_before = peak_rss_mb()
    start = time.perf_counter()
    statement, = Statement.create([{
                'channel': channel.id, 'period': period}])
    Statement.build_now([statement])
    seconds = time.perf_counter() - start
    rss_built = peak_rss_mb()  # before reading the file back to report it
    statement, = Statement.browse([statement.id])
    print(f'statement {channel_code} {period}: '
        f'{statement.issued_count} policies, '
        f'{statement.cancellation_count} cancellations, '
        f'{statement.endorsement_count} endorsements, '
        f'{statement.claim_count} claims, net {statement.net_amount}; '
        f'XLSX {xlsx_size(statement) / 2**20:.1f} MiB')
    print(f'built and exported in {seconds:.1f} s; peak RSS '
        f'{rss_built:.0f} MB (before the build {rss_before:.0f} MB)')
    Transaction().rollback()


def xlsx_size(statement):
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    cursor.execute('SELECT octet_length(xlsx) FROM insurance_statement '
        'WHERE id = %s', (statement.id,))
    return cursor.fetchone()[0]


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    arguments = parse_arguments()
    with trytond_transaction(arguments.database):
        if arguments.command == 'lookups':
            lookups(arguments.period)
        else:
            build_statement(arguments.channel, arguments.period)


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""Measure the reporting figures on a database loaded by bench/volume.py.

    python bench/report_measures.py --database DB lookups [--period 2025-11]
    python bench/report_measures.py --database DB \\
        statement --channel TAOMALL --period 2025-11 [--runs 3]

lookups: a month's statistics for all channels, a policy by number and by
policyholder phone, through the ORM as the back office asks them (best and
median of several runs, in ms).

statement: builds and exports the channel's statement of the month three
times (--runs), each in a process of its own, printing each run's time,
peak memory and slowest steps, then min/median/max. The months before are first
marked as stated (their records put in a confirmed statement by SQL, as
months of confirmations would have), so that the statement holds its month
only.
"""
import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
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
    statement.add_argument('--runs', type=int, default=3,
        help="builds, each in a process of its own (0: one, in this one, "
        "printing its figures as JSON)")
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
    "Build and export the statement once; return its figures"
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
    steps = timed_steps(statement)
    seconds = time.perf_counter() - start
    rss_built = peak_rss_mb()  # before reading the file back to report it
    statement, = Statement.browse([statement.id])
    figures = {
        'seconds': seconds, 'peak_rss_mb': rss_built,
        'rss_before_mb': rss_before, 'steps': steps,
        'records': f'{statement.issued_count} policies, '
        f'{statement.cancellation_count} cancellations, '
        f'{statement.endorsement_count} endorsements, '
        f'{statement.claim_count} claims, net {statement.net_amount}; '
        f'XLSX {xlsx_size(statement) / 2**20:.1f} MiB',
        }
    Transaction().rollback()
    return figures


def timed_steps(statement):
    """Build statement as Statement.build_now does, step by step; return
    the seconds spent per kind of step"""
    seconds = {}
    steps = statement.build_steps()
    for step in steps:
        name = ' '.join(step[:2]) if step[0] == 'take_in' else step[0]
        start = time.perf_counter()
        statement.run_step(step)
        seconds[name] = (
            seconds.get(name, 0) + time.perf_counter() - start)
    statement.record_progress(len(steps), len(steps))
    return seconds


def measure_statements(arguments):
    """Build the statement runs times, each in a process of its own (its
    own peak memory); print each run and min/median/max"""
    runs = []
    for run in range(1, arguments.runs + 1):
        load = os.getloadavg()[0]
        child = subprocess.run([sys.executable, __file__,
                '--database', arguments.database, 'statement',
                '--channel', arguments.channel, '--period', arguments.period,
                '--runs', '0'],
            capture_output=True, text=True)
        if child.returncode:
            sys.exit(child.stderr)
        figures = json.loads(child.stdout.splitlines()[-1])
        runs.append(figures)
        steps = ', '.join(f'{name} {seconds:.1f} s'
            for name, seconds in figures['steps'].items() if seconds >= 1)
        print(f"run {run}: {figures['seconds']:.1f} s, peak RSS "
            f"{figures['peak_rss_mb']:.0f} MB, load average {load:.1f} "
            f"before; {figures['records']}; steps of 1 s or more: {steps}",
            flush=True)
    times = sorted(r['seconds'] for r in runs)
    print(f'statement {arguments.channel} {arguments.period}, '
        f'{len(runs)} runs: min {times[0]:.1f} s, median '
        f'{statistics.median(times):.1f} s, max {times[-1]:.1f} s; '
        f"peak RSS max {max(r['peak_rss_mb'] for r in runs):.0f} MB; "
        f'load average after {os.getloadavg()[0]:.1f}')


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
    if arguments.command == 'statement' and arguments.runs:
        measure_statements(arguments)
        return
    with trytond_transaction(arguments.database):
        if arguments.command == 'lookups':
            lookups(arguments.period)
        else:
            print(json.dumps(build_statement(
                        arguments.channel, arguments.period), default=str))


if __name__ == '__main__':
    sys.exit(main())

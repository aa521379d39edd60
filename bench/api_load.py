#!/usr/bin/env python3
"""Drive the seed's mix (bench/locustfile.py) at several issue rates.

Creates a demo database, serves it with gunicorn as in production, runs
locust headless at each rate and prints per-endpoint latency percentiles as
a Markdown table, then drops the database.

    .venv/bin/python bench/api_load.py --rates 2,25,50,75 --duration 60
"""
import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')

from tests.server import (  # noqa: E402
    database_uri,
    drop_database,
    install_demo_database,
    running_server,
)

ISSUES_PER_USER = 0.5
COLUMNS = [
    'Request Count', 'Failure Count', 'Requests/s', '50%', '95%', '99%',
    'Max Response Time']


def lift_rate_limit(database, channel_code='TAOMALL'):
    "The demo channel's 50 requests/s would answer 429 before the server tires"
    with psycopg.connect(database_uri() + database, autocommit=True) as db:
        db.execute('UPDATE insurance_channel SET rate_limit = 100000 '
            'WHERE code = %s', (channel_code,))


def run_locust(base_url, issue_rate, duration, with_claims, folder):
    users = max(1, math.ceil(issue_rate / ISSUES_PER_USER))
    prefix = Path(folder) / f'rate{issue_rate}'
    env = dict(os.environ, BENCH_ISSUES_PER_USER=str(ISSUES_PER_USER),
        BENCH_CLAIMS='1' if with_claims else '0')
    subprocess.run([
            Path(sys.executable).parent / 'locust', '-f',
            ROOT / 'bench' / 'locustfile.py', '--headless', '-H', base_url,
            '-u', str(users), '-r', str(users), '-t', f'{duration}s',
            '--csv', str(prefix), '--only-summary', '--loglevel', 'WARNING'],
        env=env, check=False)
    with open(f'{prefix}_stats.csv', newline='') as stats:
        return list(csv.DictReader(stats))


def markdown(rate, rows):
    lines = []
    for row in rows:
        values = [row[c] for c in COLUMNS]
        values[2] = f'{float(values[2]):.1f}'
        lines.append(
            f'| {rate} | {row["Name"]} | ' + ' | '.join(values) + ' |')
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rates', default='2,25,50',
        help="issue rates per second, comma separated")
    parser.add_argument('--duration', type=int, default=60)
    parser.add_argument('--workers', type=int, default=4,
        help="gunicorn workers")
    parser.add_argument('--no-claims', action='store_true')
    args = parser.parse_args()

    database = f'insurance_bench_{os.getpid()}'
    install_demo_database(database)
    lift_rate_limit(database)
    table = [
        '| issues/s | endpoint | requests | failures | req/s '
        '| p50 ms | p95 ms | p99 ms | max ms |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    try:
        with running_server(database, workers=args.workers) as base_url, \
                tempfile.TemporaryDirectory() as folder:
            for rate in (float(r) for r in args.rates.split(',')):
                rows = run_locust(base_url, rate, args.duration,
                    not args.no_claims, folder)
                table.extend(markdown(rate, rows))
                print('\n'.join(table[-len(rows):]), flush=True)
    finally:
        drop_database(database)
    print('\n'.join(table))


if __name__ == '__main__':
    main()

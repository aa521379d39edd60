#!/usr/bin/env python3
"""The partner hot path against what PostgreSQL allows, in one run.

On one scratch demo database (or --database), at each concurrency (8 and 32
connections by default):
- raw: INSERT of one policy-sized row + COMMIT, by pgbench (C, its own
  connections) into a copy of insurance_policy with its indexes and
  constraints: the ceiling of a durable write on this machine;
- issues, quotes and reads: POST /api/v1/policies, POST /api/v1/quotes and
  GET /api/v1/policies/{no} on gunicorn as configured for production
  (config/gunicorn.conf.py), driven by wrk with the Lua scripts written
  next to this file's output (wrk is C: it takes little of the CPU it
  measures).
Prints requests/s, latency percentiles, non-2xx answers, the ratios to the
raw rows/s, and the round trips and CPU time of one request in process
(bench/round_trips.py).

    .venv/bin/python bench/hot_path.py [--duration 15] [--connections 8,32]
"""
import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')

from tests.client import Client  # noqa: E402
from tests.server import (  # noqa: E402
    database_uri,
    drop_database,
    install_demo_database,
    running_server,
    server_environment,
)

DEMO_KEY = 'ick_demo_taomall_0123456789abcdefghijklmnopqrstuv'
PGBENCH = '/usr/lib/postgresql/15/bin/pgbench'
RAW_TABLE = 'bench_raw_policy'
BODY = {
    'product_code': 'RETURN_SHIPPING', 'plan_code': 'STANDARD',
    'effective_date': None,
    'policyholder': {'name': '张三', 'id_type': 'ID_CARD',
        'id_no': '110101199003077777', 'phone': '13800138000'},
    'risk': {'order_no': '@ORDER@', 'order_amount': '199.00',
        'goods_category': 'apparel', 'return_rate_band': 'A',
        'buyer_id': 'b-1', 'seller_id': 's-9',
        'shipping_tracking_no': 'SF@ORDER@'},
    }
# Each request a new order and idempotency key: this run, the wrk thread,
# a counter
POST_SCRIPT = '''
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("prefix", "%(run)s" .. threads .. "x")
end
local counter = 0
local body = '%(body)s'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(key)s"
request = function()
    counter = counter + 1
    local id = prefix .. counter
    wrk.headers["Idempotency-Key"] = id
    return wrk.format(nil, "%(path)s", nil, body:gsub("@ORDER@", id))
end
'''
READ_SCRIPT = '''
local numbers = {%(numbers)s}
wrk.headers["Authorization"] = "Bearer %(key)s"
request = function()
    return wrk.format("GET", "/api/v1/policies/" ..
        numbers[math.random(#numbers)])
end
'''
RAW_SCRIPT = '''\\set n random(1, 1000000000)
INSERT INTO %(table)s (%(columns)s) SELECT %(values)s FROM %(table)s
    WHERE id = %(template)s;
'''


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--duration', type=int, default=15,
        help="seconds per measure")
    parser.add_argument('--connections', default='8,32')
    parser.add_argument('--workers', type=int,
        help="gunicorn workers (default: config/gunicorn.conf.py's)")
    parser.add_argument('--database', help="an existing demo database")
    return parser.parse_args()


def connect(database):
    return psycopg.connect(database_uri() + database, autocommit=True)


def prepare_raw_table(database):
    """A copy of insurance_policy with its indexes, constraints and one
    template row; return the pgbench script inserting a copy of the row"""
    with connect(database) as db:
        db.execute(f'DROP TABLE IF EXISTS {RAW_TABLE}')
        db.execute(f'CREATE TABLE {RAW_TABLE} '
            '(LIKE insurance_policy INCLUDING ALL)')
        db.execute(f'ALTER TABLE {RAW_TABLE} ALTER COLUMN id '
            'RESTART WITH 1000000')
        db.execute(f'DROP SEQUENCE IF EXISTS {RAW_TABLE}_seq')
        db.execute(f'CREATE SEQUENCE {RAW_TABLE}_seq')
        db.execute(f'INSERT INTO {RAW_TABLE} SELECT * FROM insurance_policy '
            'ORDER BY id DESC LIMIT 1')
        template, = db.execute(f'SELECT id FROM {RAW_TABLE}').fetchone()
        columns = [name for name, in db.execute(
                'SELECT column_name FROM information_schema.columns '
                "WHERE table_name = 'insurance_policy' AND column_name "
                "NOT IN ('id') ORDER BY ordinal_position")]
    unique = {
        'number': f"'R' || :n || '-' || nextval('{RAW_TABLE}_seq')",
        'external_reference': f"'R' || nextval('{RAW_TABLE}_seq')",
        'idempotency_key': 'NULL', 'renewed_from': 'NULL', 'bulk': 'NULL',
        }
    values = [unique.get(c, f'"{c}"') for c in columns]
    return RAW_SCRIPT % {
        'table': RAW_TABLE, 'template': template,
        'columns': ', '.join(f'"{c}"' for c in columns),
        'values': ', '.join(values)}


def raw_inserts(database, script, connections, duration, folder):
    path = Path(folder) / 'raw.sql'
    path.write_text(script)
    env = dict(os.environ, PGHOST='127.0.0.1', PGUSER='postgres')
    run = subprocess.run([PGBENCH, '-n', '-c', str(connections),
            '-j', '2', '-T', str(duration), '-f', str(path), database],
        env=env, capture_output=True, text=True)
    if run.returncode:
        sys.exit(run.stdout + run.stderr)
    output = run.stdout
    rate = float(re.search(r'tps = ([\d.]+)', output).group(1))
    latency = float(re.search(r'latency average = ([\d.]+)', output).group(1))
    return {'rate': rate, 'p50': latency, 'p99': None, 'errors': 0}


def wrk(base_url, script, connections, duration, folder, name):
    path = Path(folder) / f'{name}.lua'
    path.write_text(script)
    output = subprocess.run(['wrk', '-t', '2', '-c', str(connections),
            '-d', f'{duration}s', '--latency', '-s', str(path), base_url],
        capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r'Requests/sec:\s+([\d.]+)', output).group(1))
    errors = re.search(r'Non-2xx or 3xx responses: (\d+)', output)
    return {'rate': rate, 'p50': percentile(output, '50'),
        'p99': percentile(output, '99'),
        'errors': int(errors.group(1)) if errors else 0}


def percentile(output, which):
    value, unit = re.search(
        rf'\s{which}%\s+([\d.]+)(us|ms|s)\b', output).groups()
    return float(value) * {'us': 0.001, 'ms': 1, 's': 1000}[unit]


def post_script(path):
    "A script posting new orders to path, each run its own"
    run = uuid.uuid4().hex[:10]
    body = json.dumps(dict(BODY, effective_date=today()), ensure_ascii=False)
    return POST_SCRIPT % {'run': run, 'body': body, 'key': DEMO_KEY,
        'path': path}


def read_script(database):
    with connect(database) as db:
        numbers = [number for number, in db.execute(
                'SELECT number FROM insurance_policy p '
                'JOIN insurance_channel c ON c.id = p.channel '
                "WHERE c.code = 'TAOMALL' ORDER BY p.id DESC LIMIT 2000")]
    return READ_SCRIPT % {'key': DEMO_KEY,
        'numbers': ', '.join(f'"{n}"' for n in numbers)}


def today():
    "Today in China, the day the API's effective dates count from"
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date(
        ).isoformat()


def lift_rate_limit(database):
    with connect(database) as db:
        db.execute('UPDATE insurance_channel SET rate_limit = 1000000')


def in_process(database):
    "Round trips and CPU µs per request (bench/round_trips.py)"
    output = subprocess.run([sys.executable,
            ROOT / 'bench' / 'round_trips.py', '--database', database],
        env=server_environment(database), capture_output=True, text=True,
        check=True).stdout
    return json.loads(output.splitlines()[-1])


def issue_one(base_url):
    "A policy issued through the API: the raw rows' template"
    body = json.loads(json.dumps(BODY).replace(
            '@ORDER@', uuid.uuid4().hex[:16]))
    answer = Client(base_url, DEMO_KEY).post(
        '/policies', dict(body, effective_date=today()))
    answer.raise_for_status()


def measure(database, arguments, folder):
    results = {}
    workers = arguments.workers or 2 * os.cpu_count()
    with running_server(database, workers=workers) as base_url:
        issue_one(base_url)
        raw_script = prepare_raw_table(database)
        for connections in map(int, arguments.connections.split(',')):
            results[connections] = figures = {}
            figures['raw INSERT+COMMIT'] = raw_inserts(database, raw_script,
                connections, arguments.duration, folder)
            figures['POST /policies'] = wrk(base_url,
                post_script('/api/v1/policies'), connections,
                arguments.duration, folder, 'issue')
            figures['POST /quotes'] = wrk(base_url,
                post_script('/api/v1/quotes'), connections,
                arguments.duration, folder, 'quote')
            figures['GET /policies/{no}'] = wrk(base_url,
                read_script(database), connections, arguments.duration,
                folder, 'read')
    return results


def report(results, per_request, load_before):
    print(f'load average before: {load_before:.2f}, after: '
        f'{os.getloadavg()[0]:.2f}')
    print('| connections | what | per s | p50 ms | p99 ms | non-2xx | '
        'of raw |')
    print('| --- | --- | --- | --- | --- | --- | --- |')
    for connections, figures in results.items():
        raw = figures['raw INSERT+COMMIT']['rate']
        for name, f in figures.items():
            p99 = '' if f['p99'] is None else f"{f['p99']:.1f}"
            print(f"| {connections} | {name} | {f['rate']:,.0f} | "
                f"{f['p50']:.1f} | {p99} | {f['errors']} | "
                f"{f['rate'] / raw:.1%} |")
    print('In process, per request: ' + '; '.join(
            f"{name} {f['round_trips']:g} round trips, {f['cpu_us']} µs CPU"
            for name, f in per_request.items()))


def main():
    arguments = parse_arguments()
    if not shutil.which('wrk'):
        sys.exit("wrk is missing: apt-get install wrk")
    database = arguments.database or f'insurance_bench_hot_{os.getpid()}'
    if not arguments.database:
        install_demo_database(database)
    try:
        lift_rate_limit(database)
        load_before = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as folder:
            results = measure(database, arguments, folder)
        per_request = in_process(database)
    finally:
        if not arguments.database:
            drop_database(database)
    report(results, per_request, load_before)


if __name__ == '__main__':
    sys.exit(main())

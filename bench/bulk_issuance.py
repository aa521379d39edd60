#!/usr/bin/env python3
"""Time bulk issuance (批量投保) from the command line.

Generates a CSV of N payment accounts; for each run creates a demo
database, runs `python -m trytond.modules.insurance_policy.bulk_cli` on it
as staff would, prints the rate in policies per second and drops the
database; then min/median/max of the runs.

    .venv/bin/python bench/bulk_issuance.py --rows 200000 [--runs 3]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')

from tests.server import (  # noqa: E402
    drop_database,
    install_demo_database,
    server_environment,
)

HEADER = ('account_id,plan_code,policyholder_name,id_type,id_number,phone,'
    'email,effective_date,account_tier\n')
TIERS = ('standard', 'gold')


def write_accounts(path, rows):
    "One row per account, as the payment platform exports them"
    with open(path, 'w', encoding='utf-8') as output:
        output.write(HEADER)
        for i in range(rows):
            output.write(f'ZP{i:012d},{"ADVANCED" if i % 10 == 0 else "BASIC"}'
                f',用户{i},ID_CARD,{110101199001010000 + i},'
                f'138{i % 100000000:08d},,,{TIERS[i % 2]}\n')


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=1_000_000)
    parser.add_argument('--chunk-size', type=int, default=5000)
    parser.add_argument('--runs', type=int, default=3,
        help="each in a new database; min/median/max are printed")
    parser.add_argument('--keep', action='store_true',
        help="keep the database of the last run")
    return parser.parse_args()


def issue_file(path, rows, chunk_size, keep):
    "Issue the file in a new demo database; return the seconds it took"
    database = f'insurance_bench_bulk_{os.getpid()}'
    install_demo_database(database)
    try:
        command = [sys.executable, '-m',
            'trytond.modules.insurance_policy.bulk_cli',
            '--database', database, '--channel', 'ZHIFUPAY',
            '--product', 'ACCOUNT_SECURITY',
            '--chunk-size', str(chunk_size), str(path)]
        started = time.monotonic()
        subprocess.run(command, env=server_environment(database),
            check=True)
        return time.monotonic() - started
    finally:
        if not keep:
            drop_database(database)


def main():
    args = parse_arguments()
    rates = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / 'accounts.csv'
        write_accounts(path, args.rows)
        for run in range(1, args.runs + 1):
            load = os.getloadavg()[0]
            elapsed = issue_file(path, args.rows, args.chunk_size,
                args.keep and run == args.runs)
            rates.append(args.rows / elapsed)
            print(f"run {run}: {args.rows} rows in {elapsed:.1f} s: "
                f"{args.rows / elapsed:,.0f} policies/s (chunks of "
                f"{args.chunk_size}, process start included; load average "
                f"{load:.1f} before)", flush=True)
    rates.sort()
    print(f"{args.rows} rows, {len(rates)} runs: min {rates[0]:,.0f}, "
        f"median {statistics.median(rates):,.0f}, max {rates[-1]:,.0f} "
        f"policies/s; load average after {os.getloadavg()[0]:.1f}")


if __name__ == '__main__':
    main()

"""The bulk issuance command, killed half-way and run again."""
import signal
import subprocess
import sys
import time

import psycopg

from ..server import database_uri, server_environment

GOOD_ROWS = 4000
CHUNK_SIZE = 100
HEADER = ('account_id,plan_code,policyholder_name,id_type,id_number,phone,'
    'email,effective_date,account_tier')


def bulk_file(tmp_path, prefix):
    lines = [HEADER] + [
        f'{prefix}{i},BASIC,王五,ID_CARD,11010119900101{i % 10000:04d},,,,'
        'standard' for i in range(GOOD_ROWS)]
    lines.insert(10, ',BASIC,王五,ID_CARD,110101199001011111,,,,standard')
    lines.insert(20, f'{prefix}5,BASIC,王五,ID_CARD,1101011990,,,,gold')
    lines.insert(30, f'{prefix}X,GOLD,王五,ID_CARD,1101011990,,,,standard')
    data = ('\ufeff' + '\n'.join(lines) + '\n').encode()
    data += f'{prefix}Y,BASIC,'.encode() + b'\xe7\x8e,ID_CARD,1,,,,\n'
    path = tmp_path / 'accounts.csv'
    path.write_bytes(data)
    return path


def command(database, path):
    return [sys.executable, '-m',
        'trytond.modules.insurance_policy.bulk_cli', '--database', database,
        '--channel', 'ZHIFUPAY', '--product', 'ACCOUNT_SECURITY',
        '--chunk-size', str(CHUNK_SIZE), str(path)]


def query(database, sql, *params):
    with psycopg.connect(database_uri() + database) as connection:
        return connection.execute(sql, params).fetchall()


def issued_so_far(database, filename):
    rows = query(database, 'SELECT issued FROM insurance_policy_bulk '
        'WHERE filename = %s ORDER BY id DESC LIMIT 1', filename)
    return rows[0][0] if rows else 0


def kill_when_half_way(process, database, filename, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if issued_so_far(database, filename) >= 5 * CHUNK_SIZE:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return issued_so_far(database, filename)
        time.sleep(0.02)
    raise AssertionError("the command ended before it could be killed")


def test_killed_and_rerun_issues_each_good_row_once(demo_database, tmp_path):
    prefix = f'cli{int(time.time())}-'
    path = bulk_file(tmp_path, prefix)
    env = server_environment(demo_database)
    path = path.rename(tmp_path / f'{prefix}accounts.csv')

    first = subprocess.Popen(command(demo_database, path), env=env,
        stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    at_kill = kill_when_half_way(first, demo_database, path.name)
    rerun = subprocess.run(command(demo_database, path), env=env,
        capture_output=True, text=True, timeout=300)

    assert at_kill < GOOD_ROWS - 1
    assert rerun.returncode == 0, rerun.stderr
    assert 'rows/s' in rerun.stderr
    counts = query(demo_database, 'SELECT external_reference, count(*) '
        'FROM insurance_policy WHERE external_reference LIKE %s '
        'GROUP BY external_reference', prefix + '%')
    assert len(counts) == GOOD_ROWS
    assert {count for _, count in counts} == {1}
    rejected = query(demo_database, 'SELECT r.code FROM '
        'insurance_policy_bulk_rejection r JOIN insurance_policy_bulk b '
        'ON r.bulk = b.id WHERE b.filename = %s ORDER BY r.line', path.name)
    assert [code for code, in rejected] == [
        'ACCOUNT_ID_MISSING', 'DUPLICATE_IN_FILE', 'PLAN_NOT_AUTHORIZED',
        'INVALID_ENCODING']

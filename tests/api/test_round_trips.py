"""What one hot request costs the database, in round trips (issue 14).

bench/round_trips.py serves the test database in a process of its own and
counts psycopg's waits for PostgreSQL per request (BEGIN, COMMIT and the
connection checks included), after a warm-up: a change adding a statement to
the hot path fails here."""
import json
import subprocess
import sys

from tests.server import ROOT, server_environment

# Averages over the requests measured; the contract's number is the issue's
MOST = {'POST /quotes': 6, 'POST /policies': 7, 'GET /policies/{no}': 7}


def test_hot_requests_stay_within_their_round_trips(api_database, api_keys):
    counted = subprocess.run([sys.executable,
            ROOT / 'bench' / 'round_trips.py', '--database', api_database,
            '--key', api_keys['PROBEMALL'], '--requests', '20', '--count'],
        env=server_environment(api_database, PSYCOPG_IMPL='python',
            INSURANCE_ALLOW_PYTHON_PSYCOPG='1'),
        capture_output=True, text=True, check=True)
    round_trips = json.loads(counted.stdout.splitlines()[-1])

    assert set(round_trips) == set(MOST)
    for request, most in MOST.items():
        assert 0 < round_trips[request] <= most, (request, round_trips)

"""No callback lost when trytond-worker is killed mid-run (SIGKILL) or the
partner's receiver goes away for a while (issue 11): every event arrives at
least once, duplicates carry the same X-Event-Id and body, and the events of
a claim arrive in order.

A partner's receiver of its own (CRASHMALL), the claims tests' worker
(killed and started again) and trytond-cron run once when its minute comes:
the run a minute later that reclaims the tasks of a dead worker ([queue]
reclaim_after, 1 s here) and delivers the events due again (30 s after a
failed attempt)."""
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict

import psycopg
import pytest

from trytond.modules.insurance_claim.tests.receiver import Receiver

from ..server import BIN, database_uri, server_environment
from .conftest import RECEIVER_ALLOWED, SEED, ClaimsClient
from .test_claims_api import (
    GOOD_TRACKING_NO,
    claim_body,
    issue,
    wait_for_status,
)

CHANNEL = 'CRASHMALL'
CLAIMS = 6
CRONS = ['ir.queue|reclaim_abandoned', 'insurance.callback.event|deliver_due']


@pytest.fixture(scope='module')
def partner_receiver():
    "The receiver of CRASHMALL, slow enough to be killed in the middle of"
    with Receiver(delay=1) as receiver:
        yield receiver


@pytest.fixture(scope='module')
def crashmall(api_server, api_database, api_keys, partner_receiver, worker):
    seeded = subprocess.run(
        [sys.executable, SEED, api_database, partner_receiver.url, CHANNEL],
        env=server_environment(api_database, **RECEIVER_ALLOWED), check=True,
        capture_output=True, text=True)
    key = json.loads(seeded.stdout.splitlines()[-1])[CHANNEL]
    return ClaimsClient(api_server, key)


def query(database, sql, *params):
    with psycopg.connect(database_uri() + database) as connection:
        return connection.execute(sql, params).fetchall()


def events(database, claim_nos):
    "{claim number: [event ids in the order of the claim]}"
    rows = query(database,
        'SELECT c.number, e.event_id FROM insurance_callback_event e '
        'JOIN insurance_claim c ON c.id = e.claim '
        'WHERE c.number = ANY(%s) ORDER BY c.number, e.sequence',
        list(claim_nos))
    by_claim = defaultdict(list)
    for number, event_id in rows:
        by_claim[number].append(event_id)
    return dict(by_claim)


def unfinished_deliveries(database):
    "How many callback tasks were taken by a worker and not finished"
    return query(database,
        "SELECT COUNT(*) FROM ir_queue WHERE name = 'callbacks' "
        'AND dequeued_at IS NOT NULL AND finished_at IS NULL')[0][0]


def wait_until_due(database, claim_nos):
    "Wait until every undelivered event of the claims is due again"
    seconds, = query(database,
        "SELECT EXTRACT(EPOCH FROM MAX(e.next_attempt_at) "
        "- (now() AT TIME ZONE 'UTC')) FROM insurance_callback_event e "
        'JOIN insurance_claim c ON c.id = e.claim '
        "WHERE c.number = ANY(%s) AND e.state = 'pending'",
        list(claim_nos))[0]
    time.sleep(max(0, float(seconds or 0)) + 0.5)


def run_crons(database):
    """trytond-cron, once, when the minute of the reclaim and delivery crons
    comes"""
    query(database, 'UPDATE ir_cron SET next_call = NULL '
        'WHERE method = ANY(%s) RETURNING id', CRONS)
    subprocess.run([BIN / 'trytond-cron', '-d', database, '--once'],
        env=server_environment(database, TRYTOND_QUEUE__RECLAIM_AFTER='1',
            **RECEIVER_ALLOWED), check=True, timeout=60)


def file_claims(client, count, tracking_no=GOOD_TRACKING_NO):
    numbers = []
    for _ in range(count):
        response = client.post('/claims',
            claim_body(issue(client), tracking_no=tracking_no))
        assert response.status_code == 201, response.text
        numbers.append(response.json()['claim_no'])
    return numbers


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.1)


def received_of(receiver, claim_nos, requests=None):
    """{claim number: [event ids received (or of requests), in order of
    arrival]}"""
    by_claim = defaultdict(list)
    for request in list(receiver.received if requests is None else requests):
        claim_no = request.event['data']['claim_no']
        if claim_no in claim_nos:
            by_claim[claim_no].append(request.headers['X-Event-Id'])
    return by_claim


def all_delivered(receiver, expected):
    "Whether every event expected was answered to a sender still waiting"
    answered = received_of(receiver, expected, receiver.answered)
    return all(set(ids) <= set(answered[no]) for no, ids in expected.items())


def check_same_body_per_event(receiver):
    bodies = defaultdict(set)
    for request in receiver.received:
        bodies[request.headers['X-Event-Id']].add(request.body)
    assert all(len(b) == 1 for b in bodies.values())


def test_killed_worker_loses_no_callback(
        crashmall, partner_receiver, worker, api_database):
    receiver = partner_receiver
    claim_nos = file_claims(crashmall, CLAIMS)
    # killed while it waits for the receiver's answer, events still to send
    wait_for(lambda: receiver.in_flight, 60, "a callback in flight")
    received = len(receiver.received)
    worker.kill()
    killed_at = time.monotonic()
    abandoned = unfinished_deliveries(api_database)
    worker.start()
    assert received < CLAIMS and abandoned >= 1
    wait_for(lambda: not receiver.in_flight, 10, "the receiver's answers")
    interrupted = {r.headers['X-Event-Id'] for r in receiver.abandoned}
    assert interrupted

    wait_until_due(api_database, claim_nos)
    run_crons(api_database)
    expected = events(api_database, claim_nos)
    assert sorted(expected) == sorted(claim_nos)
    wait_for(lambda: all_delivered(receiver, expected), 30,
        "every event delivered")
    wait_for(lambda: not unfinished_deliveries(api_database), 30,
        "the abandoned deliveries run again")
    # the interrupted ones were sent again, with the same X-Event-Id
    sent = Counter(r.headers['X-Event-Id'] for r in receiver.received)
    assert all(sent[event_id] >= 2 for event_id in interrupted)

    check_same_body_per_event(receiver)
    ids = [i for ids in received_of(receiver, claim_nos).values() for i in ids]
    print(f"worker killed with {len(interrupted)} callback in flight, "
        f"{received}/{CLAIMS} received: all {len(set(ids))} delivered after "
        f"{time.monotonic() - killed_at:.0f} s, "
        f"{len(ids) - len(set(ids))} duplicates (same X-Event-Id)")


def test_receiver_away_gets_every_callback_in_order(
        crashmall, partner_receiver, api_database):
    receiver = partner_receiver
    receiver.stop()
    away_at = time.monotonic()
    # rejected, corrected (submitted again), paid: three events per claim
    claim_nos = file_claims(crashmall, 3, tracking_no='SF123')
    for claim_no in claim_nos:
        wait_for_status(crashmall, claim_no, 'rejected')
        corrected = crashmall.patch(f'/claims/{claim_no}',
            {'details': {'return_tracking_no': GOOD_TRACKING_NO}})
        assert corrected.status_code == 200, corrected.text
    for claim_no in claim_nos:
        wait_for_status(crashmall, claim_no, 'paid')
    expected = events(api_database, claim_nos)
    assert [len(ids) for ids in expected.values()] == [3, 3, 3]
    # the first event of each claim tried, in vain: nobody listens
    wait_for(lambda: query(api_database,
            'SELECT COUNT(*) FROM insurance_callback_event '
            'WHERE event_id = ANY(%s) AND attempts > 0',
            [ids[0] for ids in expected.values()])[0][0] == 3,
        30, "the first attempts")
    assert received_of(receiver, claim_nos) == {}
    receiver.restart()

    wait_until_due(api_database, claim_nos)
    run_crons(api_database)
    wait_for(lambda: all_delivered(receiver, expected), 30,
        "every event delivered")
    received = received_of(receiver, claim_nos)
    for claim_no, ids in expected.items():
        # in order; a repeat only of an event already delivered
        assert list(dict.fromkeys(received[claim_no])) == ids
    check_same_body_per_event(receiver)
    print(f"receiver away {time.monotonic() - away_at:.0f} s: "
        f"{sum(len(i) for i in expected.values())} events of 3 claims "
        "delivered in order after its return")

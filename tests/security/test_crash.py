"""Crashes under load (issue 11): gunicorn workers killed (SIGKILL) and
PostgreSQL backends terminated while partners issue policies in parallel.
No policy is issued twice, none is lost, and the partner gets no 5xx for a
backend that went away.

Each test runs its own gunicorn (production configuration, 4 workers) on the
API tests' database (whose channels have no rate limit), with an application
name of its own so that only its PostgreSQL backends are terminated, and
checks that the crashes did hit requests in flight."""
import os
import random
import signal
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg

from ..client import Client
from ..server import database_uri, serving
from .partners import Partners

WORKERS = 4
LOAD_SECONDS = 15
CHANNEL = 'TAOMALL'


def worker_pids(master):
    "The pids of gunicorn's workers: the children of its master process"
    pids = []
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try:
            fields = stat.read_text().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master.pid:
            pids.append(int(stat.parent.name))
    return pids


def workers_replaced(master, timeout=10):
    "How many workers gunicorn runs once it replaced the killed ones"
    deadline = time.monotonic() + timeout
    while (len(worker_pids(master)) < WORKERS
            and time.monotonic() < deadline):
        time.sleep(0.2)
    return len(worker_pids(master))


class Killer(threading.Thread):
    "Kills (SIGKILL) a worker of gunicorn now and then, until stopped"

    def __init__(self, master, every=0.6):
        super().__init__()
        self.master = master
        self.every = every
        self.killed = []
        self.stopping = threading.Event()
        self.first_seen = {}

    def run(self):
        while not self.stopping.wait(self.every * random.uniform(0.5, 1.5)):
            now = time.monotonic()
            for pid in worker_pids(self.master):
                self.first_seen.setdefault(pid, now)
            # a worker serving for a while, not one still starting
            serving = [pid for pid, seen in self.first_seen.items()
                if now - seen > 0.5 and pid not in self.killed]
            if serving:
                pid = random.choice(serving)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                self.killed.append(pid)

    def stop(self):
        self.stopping.set()
        self.join()


def connect(database):
    return psycopg.connect(database_uri() + database, autocommit=True)


def last_policy_id(database):
    with connect(database) as connection:
        return connection.execute(
            'SELECT COALESCE(MAX(id), 0) FROM insurance_policy').fetchone()[0]


def policies_since(database, policy_id):
    "[(number, idempotency key)] of the policies of CHANNEL after policy_id"
    with connect(database) as connection:
        return connection.execute(
            'SELECT p.number, p.idempotency_key FROM insurance_policy p '
            'JOIN insurance_channel c ON c.id = p.channel '
            'WHERE c.code = %s AND p.id > %s', (CHANNEL, policy_id)).fetchall()


def check_nothing_issued_twice(database, before, partners):
    """Every policy row answers exactly one key, every key answered 201 has
    its row, and the same key asked again answers the same policy"""
    answered = {i.key: i.policy_no for i in partners.issuances}
    assert all(i.status == 201 for i in partners.issuances), Counter(
        i.status for i in partners.issuances)
    rows = policies_since(database, before)
    numbers = Counter(number for number, _ in rows)
    assert [n for n, count in numbers.items() if count > 1] == []
    keys = Counter(key for _, key in rows)
    assert [k for k, count in keys.items() if count > 1] == []
    assert keys.keys() == answered.keys()
    assert {key: number for number, key in rows} == answered
    for issuance in random.sample(partners.issuances,
            min(50, len(partners.issuances))):
        status, again = partners.ask_again(issuance)
        assert (status, again['policy_no']) == (201, issuance.policy_no)
        assert again == issuance.answer
    return len(rows)


def test_killed_gunicorn_workers_issue_no_policy_twice(
        api_database, api_keys):
    before = last_policy_id(api_database)
    with serving(api_database, WORKERS) as (master, base_url):
        partners = Partners(Client(base_url, api_keys[CHANNEL]))
        killer = Killer(master)
        with partners:
            killer.start()
            time.sleep(LOAD_SECONDS)
            killer.stop()
        issued = check_nothing_issued_twice(api_database, before, partners)
        alive = workers_replaced(master)

    lost = sum(i.lost_connections for i in partners.issuances)
    server_errors = sum(len(i.server_errors) for i in partners.issuances)
    retried = sum(1 for i in partners.issuances if i.tries > 1)
    print(f"{len(killer.killed)} workers killed in {LOAD_SECONDS} s; "
        f"{issued} policies for {len(partners.issuances)} keys; "
        f"{lost} connections lost, {server_errors} 5xx, {retried} keys "
        "retried; 0 duplicates")
    # the kills did cut requests in flight, and gunicorn replaced the dead
    assert len(killer.killed) >= 10
    assert lost >= max(3, len(killer.killed) // 3)
    assert alive == WORKERS
    assert issued >= 100


def terminate_backends(database, application_name):
    """Terminate the backends of application_name on database; return the
    states they were in ('active': in the middle of a statement)"""
    with connect('postgres') as connection:
        return [state for state, in connection.execute(
                'WITH target AS MATERIALIZED (SELECT pid, state '
                'FROM pg_stat_activity '
                'WHERE datname = %s AND application_name = %s) '
                'SELECT state FROM target WHERE pg_terminate_backend(pid)',
                (database, application_name))]


class Terminator(threading.Thread):
    "Terminates the backends of an application now and then, until stopped"

    def __init__(self, database, application_name, every=2.5):
        super().__init__()
        self.database = database
        self.application_name = application_name
        self.every = every
        self.states = Counter()  # of the backends terminated
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(self.every * random.uniform(0.5, 1.5)):
            self.states.update(
                terminate_backends(self.database, self.application_name))

    def stop(self):
        self.stopping.set()
        self.join()


def test_terminated_backends_reach_no_partner(api_database, api_keys):
    application_name = f'crash-{uuid.uuid4().hex[:8]}'
    before = last_policy_id(api_database)
    with serving(api_database, WORKERS,
            TRYTOND_APPNAME=application_name) as (_, base_url):
        partners = Partners(Client(base_url, api_keys[CHANNEL]),
            retry_server_errors=False, read_back=True)
        terminator = Terminator(api_database, application_name)
        with partners:
            terminator.start()
            time.sleep(LOAD_SECONDS)
            terminator.stop()
        issued = check_nothing_issued_twice(api_database, before, partners)

    server_errors = Counter(status for i in partners.issuances
        for status in i.server_errors)
    lost = sum(i.lost_connections for i in partners.issuances)
    reads = Counter(i.read_status for i in partners.issuances
        if i.read_status is not None)
    terminated = terminator.states
    print(f"{terminated.total()} backends terminated in {LOAD_SECONDS} s "
        f"({dict(terminated)}); {issued} policies issued, reads "
        f"{dict(reads)}; 5xx {dict(server_errors)}, {lost} connections lost")
    assert server_errors == Counter() and lost == 0
    assert reads.keys() == {200}
    # backends were cut in the middle of requests
    assert terminated['active'] + terminated['idle in transaction'] >= 3
    assert issued >= 20

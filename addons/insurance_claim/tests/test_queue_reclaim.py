"""A task whose trytond-worker is killed mid-run is put back in the queue
and run again by another worker (issue 11, item 8)."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .receiver import Receiver
from .test_callback import handled_claim
from .tools import callbacks_allowed_to

WORKER = Path(sys.executable).with_name('trytond-worker')
ALLOWED = '127.0.0.0/8'


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_claim')


def start_worker():
    "A real trytond-worker of one process on the tests' database"
    env = dict(os.environ,
        TRYTOND_INSURANCE__CALLBACK_ALLOWED_NETWORKS=ALLOWED)
    return subprocess.Popen(
        [WORKER, '-d', os.environ['DB_NAME'], '-n', '1'],
        env=env, start_new_session=True)


def kill(worker):
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def task_state(task_id):
    "(dequeued, finished, reclaims) of the task, read afresh"
    Queue = Pool().get('ir.queue')
    with Transaction().new_transaction():
        task = Queue(task_id)
        return (bool(task.dequeued_at), bool(task.finished_at),
            task.reclaims)


@with_transaction()
def test_task_of_a_killed_worker_runs_again():
    Queue = Pool().get('ir.queue')
    with callbacks_allowed_to(ALLOWED), Receiver(delay=3) as receiver:
        claim = handled_claim('KILLED', receiver.url)
        task = next(t for t in Queue.search(
                [('finished_at', '=', None)], order=[('id', 'DESC')])
            if t.data['method'] == 'deliver')
        Transaction().commit()

        worker = start_worker()
        try:
            # the worker is in the HTTP call of the delivery
            wait_for(lambda: receiver.received)
        finally:
            kill(worker)
        assert task_state(task.id) == (True, False, 0)
        # as the cron does, in a transaction of its own
        with Transaction().new_transaction() as transaction:
            assert Queue.reclaim_abandoned(after=0) == [task.id]
            transaction.commit()
        assert task_state(task.id) == (False, False, 1)

        worker = start_worker()
        try:
            wait_for(lambda: task_state(task.id)[1])
        finally:
            kill(worker)
    assert task_state(task.id) == (True, True, 1)
    assert receiver.event_ids == [claim.callback_events[0].event_id]

"""The expiry job: in-force policies past their end become expired."""
import datetime as dt

import pytest

from trytond.modules.insurance_base.timezone import utcnow
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .lifecycle_helpers import security_channel, security_policy


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_policy')


def end_yesterday(policies):
    "Move the policies' periods a year and a day back"
    Policy = Pool().get('insurance.policy')
    table = Policy.__table__()
    year = dt.timedelta(days=366)
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update([table.starts_at, table.ends_at],
            [table.starts_at - year, table.ends_at - year],
            where=table.id.in_([p.id for p in policies])))


def states_in_table(policies):
    "{external reference: state} as stored, past the record cache"
    Policy = Pool().get('insurance.policy')
    table = Policy.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.external_reference, table.state,
            where=table.id.in_([p.id for p in policies])))
    return dict(cursor)


@with_transaction()
def test_batches_expire_only_ended_policies_in_force():
    Policy = Pool().get('insurance.policy')
    channel = security_channel()
    ended = [security_policy(channel, f'E{i}') for i in range(3)]
    running = security_policy(channel, 'RUNNING')
    cancelled = security_policy(channel, 'CANCELLED')
    cancelled.cancel_from(cancelled.start_date, "test")
    end_yesterday(ended + [cancelled])

    counts = [Policy._expire_batch(utcnow(), 2) for _ in range(3)]

    assert counts == [2, 1, 0]
    assert states_in_table(ended + [running, cancelled]) == {
        'E0': 'expired', 'E1': 'expired', 'E2': 'expired',
        'RUNNING': 'in_force', 'CANCELLED': 'cancelled'}


@with_transaction()
def test_cron_commits_each_batch():
    pool = Pool()
    Policy = pool.get('insurance.policy')
    transaction = Transaction()
    channel = security_channel()
    ended = [security_policy(channel, f'X{i}') for i in range(5)]
    end_yesterday(ended)
    transaction.commit()

    expired = Policy.expire_ended(batch_size=2)

    assert expired >= 5
    assert set(states_in_table(ended).values()) == {'expired'}

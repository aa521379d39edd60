"""The shared helpers: money, the time of the business, skipping locks."""
import datetime as dt
from decimal import Decimal

import pytest
from sql import Table

from trytond.modules.insurance_base.locking import skip_locked
from trytond.modules.insurance_base.money import money, money_text
from trytond.modules.insurance_base.numbering import Numbering
from trytond.modules.insurance_base.queue import ADJUDICATION, queue
from trytond.modules.insurance_base.tables import model_table
from trytond.modules.insurance_base.timezone import (
    china_date,
    china_midnight,
    china_today,
    in_china,
    utcnow,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_base')


@pytest.mark.parametrize('amount, rounded', [
        ('0.005', '0.01'), ('-0.005', '-0.01'), ('2.675', '2.68'),
        ('12', '12.00'), (Decimal('1.2345'), '1.23'), (7, '7.00')])
def test_money_rounds_half_up_to_the_cent(amount, rounded):
    assert money(amount) == Decimal(rounded)
    assert str(money(amount)) == rounded
    assert money_text(amount) == rounded


def test_money_text_keeps_none():
    assert money_text(None) is None


def test_china_midnight_is_the_previous_day_16_00_utc():
    assert china_midnight(dt.date(2026, 1, 1)) == dt.datetime(
        2025, 12, 31, 16)
    assert china_date(dt.datetime(2025, 12, 31, 16)) == dt.date(2026, 1, 1)
    assert china_date(dt.datetime(2025, 12, 31, 15, 59)) == dt.date(
        2025, 12, 31)
    assert in_china(dt.datetime(2026, 6, 1, 4)).isoformat() == (
        '2026-06-01T12:00:00+08:00')


def test_utcnow_is_naive_utc():
    now = utcnow()
    assert now.tzinfo is None
    aware = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert abs(aware - now) < dt.timedelta(seconds=5)


@with_transaction()
def test_skip_locked_names_aliases_and_strength():
    claim, policy = Table('claim'), Table('policy')
    query = claim.join(policy, condition=claim.policy == policy.id).select(
        claim.id, for_=[skip_locked(claim),
            skip_locked(policy, strength='NO KEY UPDATE')])
    assert tuple(query)[0].endswith(
        'FOR UPDATE OF "a" SKIP LOCKED FOR NO KEY UPDATE OF "b" SKIP LOCKED')


@with_transaction()
def test_skip_locked_skips_the_rows_another_transaction_holds():
    user = Table('res_user')
    ids = [0, 1]
    cursor = Transaction().connection.cursor()
    cursor.execute(*user.select(user.id, where=user.id.in_(ids),
            order_by=[user.id]))
    assert [i for i, in cursor] == ids, "root and admin"
    cursor.execute(*user.select(user.id, where=user.id == ids[0],
            for_=skip_locked()))

    with Transaction().new_transaction() as other:
        other_cursor = other.connection.cursor()
        other_cursor.execute(*user.select(user.id,
                where=user.id.in_(ids), order_by=[user.id],
                for_=skip_locked()))
        assert [i for i, in other_cursor] == ids[1:]


@with_transaction()
def test_numbering_dates_and_pads_its_sequence():
    numbering = Numbering('test_base_numbering_seq', 'T', digits=4)
    undated = Numbering('test_base_numbering_seq', 'U', digits=3, dated=False)
    numbering.create(start=lambda: 41)
    numbering.create(start=1)  # already there: kept as it is

    assert numbering.next() == f'T{china_today():%Y%m%d}0041'
    assert numbering.next_many(2) == [
        f'T{china_today():%Y%m%d}0042', f'T{china_today():%Y%m%d}0043']
    assert undated.next() == 'U044'
    assert numbering.next_many(0) == []


@with_transaction()
def test_model_table_refuses_what_is_no_stored_field():
    User = Pool().get('res.user')
    user = model_table(User)

    assert tuple(user.select(user.login, where=user.id == 1)) == (
        'SELECT "a"."login" FROM "res_user" AS "a" WHERE "a"."id" = %s',
        (1,))
    with pytest.raises(AttributeError, match="no stored field 'logn'"):
        user.select(user.logn)
    with pytest.raises(AttributeError, match="no stored field 'groups'"):
        user.select(user.groups)  # a Many2Many: no column


@with_transaction()
def test_queue_pushes_on_the_named_queue():
    pool = Pool()
    Queue, User = pool.get('ir.queue'), pool.get('res.user')

    queue(User, ADJUDICATION).read([1], ['login'])

    task, = Queue.search([])
    assert task.name == ADJUDICATION
    assert (task.data['model'], task.data['method']) == ('res.user', 'read')

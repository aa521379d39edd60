from decimal import Decimal
from unittest.mock import patch

import pytest

from trytond.modules.insurance_report import statement as statement_module
from trytond.modules.insurance_report.exceptions import (
    StatementError,
    StatementValidationError,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from .tools import (
    built,
    cancel,
    change_fee,
    contract_with_fee,
    create_channel,
    create_statement,
    endorse,
    issue,
    pay_claim,
)

D = Decimal


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_report')


def march_of_two_contract_versions():
    """A channel's March 2026 (China time) under two contract versions:
    fee rate 0.0833 (A) then 0.15 (B)"""
    channel = create_channel('SHOP')
    contract = contract_with_fee(channel, '0.0833')
    a = contract.current_version
    p1 = issue(contract, '2026-03-01 00:30', '10.00')  # 02-28 16:30 UTC
    p2 = issue(contract, '2026-03-15 10:00', '20.00')
    issue(contract, '2026-02-28 23:59', '99.00')  # February
    b = change_fee(contract, '0.15')
    p3 = issue(contract, '2026-03-20 10:00', '30.00')
    p4 = issue(contract, '2026-03-31 23:30', '40.00')  # 03-31 15:30 UTC
    p5 = issue(contract, '2026-04-01 00:10', '50.00')  # April
    endorse(p1, '2026-03-10 09:00', '4.00', a)
    endorse(p3, '2026-03-25 09:00', '-3.00', b)
    cancel(p2, '2026-03-28 12:00', '8.00')
    pay_claim(p3, '2026-03-26 12:00', '12.00')
    return channel, (a, b), (p1, p2, p3, p4, p5)


def confirmed(channel, period):
    Statement = Pool().get('insurance.statement')
    statement = built(channel, period)
    Statement.confirm([statement])
    return statement


@with_transaction()
def test_month_totals_computed_by_hand():
    channel, (a, b), _ = march_of_two_contract_versions()
    confirmed(channel, '2026-02')
    statement = built(channel, '2026-03')

    # p1 + p2 + p3 + p4 = 10 + 20 + 30 + 40 (p5 is April's, the 99 February's)
    assert (statement.issued_count, statement.premium) == (4, D('100.00'))
    assert (statement.endorsement_count, statement.endorsement_delta) == (
        2, D('1.00'))  # 4 - 3
    assert (statement.cancellation_count, statement.refund) == (
        1, D('8.00'))
    # A: 0.0833 x (10 + 20 + 4 - 8 = 26) = 2.1658 -> 2.17
    # B: 0.15 x (30 + 40 - 3 = 67) = 10.05
    fees = [(f.contract_version, f.fee_rate, f.base, f.fee)
        for f in statement.fees]
    assert fees == [
        (a, D('0.0833'), D('26.00'), D('2.17')),
        (b, D('0.15'), D('67.00'), D('10.05')),
        ]
    assert statement.fee == D('12.22')  # 2.17 + 10.05
    assert statement.net_amount == D('80.78')  # 100 + 1 - 8 - 12.22
    # For information only
    assert (statement.claim_count, statement.claim_amount) == (
        1, D('12.00'))
    assert statement.build_state == 'done'
    assert statement.progress == 1


@with_transaction()
def test_confirmed_statement_keeps_its_figures_late_records_go_next():
    pool = Pool()
    Statement = pool.get('insurance.statement')
    channel, (a, b), (p1, p2, p3, p4, p5) = march_of_two_contract_versions()
    confirmed(channel, '2026-02')
    march = confirmed(channel, '2026-03')
    frozen = (march.premium, march.refund, march.fee, march.net_amount,
        len(march.fees))

    # Stamped in the confirmed month, written after the confirmation
    cancel(p3, '2026-03-30 18:00', '20.00')
    with pytest.raises(StatementError):
        Statement.build_now([march])
    march = Statement(march.id)
    assert (march.premium, march.refund, march.fee, march.net_amount,
        len(march.fees)) == frozen

    april = built(channel, '2026-04')
    # p5 issued on April 1st; p3's late cancellation refunds 20.00, all B:
    # fee 0.15 x (50 - 20) = 4.50, net 50 - 20 - 4.50 = 25.50
    assert (april.issued_count, april.premium) == (1, D('50.00'))
    assert (april.cancellation_count, april.refund) == (1, D('20.00'))
    assert [(f.contract_version, f.fee) for f in april.fees] == [
        (b, D('4.50'))]
    assert april.net_amount == D('25.50')
    Statement.confirm([april])

    # Built again, May takes in nothing of March or April
    may = built(channel, '2026-05')
    assert (may.issued_count, may.cancellation_count, may.net_amount) == (
        0, 0, D('0.00'))


@with_transaction()
def test_first_statement_takes_in_what_came_before():
    channel, _, _ = march_of_two_contract_versions()
    march = built(channel, '2026-03')
    # The February policy of 99.00 was never stated
    assert (march.issued_count, march.premium) == (5, D('199.00'))


@with_transaction()
def test_confirming_waits_for_earlier_drafts_and_rebuilds():
    Statement = Pool().get('insurance.statement')
    channel, _, _ = march_of_two_contract_versions()
    confirmed(channel, '2026-02')
    march = built(channel, '2026-03')
    april = built(channel, '2026-04')  # holds March's records too
    with pytest.raises(StatementError):
        Statement.confirm([april])
    Statement.confirm([march])
    with pytest.raises(StatementError):
        Statement.confirm([april])  # built before March was confirmed
    Statement.build_now([april])
    Statement.confirm([april])
    assert Statement(april.id).issued_count == 1


@with_transaction()
def test_confirm_needs_a_build_then_settle():
    Statement = Pool().get('insurance.statement')
    channel = create_channel('SHOP')
    statement = create_statement(channel, '2026-03')
    with pytest.raises(StatementError):
        Statement.confirm([statement])
    Statement.build_now([statement])
    Statement.confirm([statement])
    Statement.settle([statement])
    assert statement.state == 'settled'
    with pytest.raises(StatementError):
        Statement.delete([statement])


@with_transaction()
def test_period_is_a_month():
    channel = create_channel('SHOP')
    with pytest.raises(StatementValidationError):
        create_statement(channel, '2026-13')


def run_statement_task():
    """Run the next task of the queue building a statement, as the worker
    would; return whether there was one"""
    Queue = Pool().get('ir.queue')
    tasks = [task for task in Queue.search([('finished_at', '=', None)])
        if task.data['model'] == 'insurance.statement']
    if tasks:
        tasks[0].run()
        Queue.delete(tasks[:1])
    return bool(tasks)


def draft_march():
    "The draft statement of March, February being confirmed"
    channel, _, _ = march_of_two_contract_versions()
    confirmed(channel, '2026-02')
    return create_statement(channel, '2026-03')


@with_transaction()
def test_build_runs_in_the_queue_step_by_step():
    Statement = Pool().get('insurance.statement')
    statement = draft_march()

    Statement.build([statement])
    assert (statement.build_state, statement.progress) == ('queued', 0)
    progress = []
    # as a month of millions of records: each step takes its second
    with patch.object(statement_module, 'TASK_SECONDS', 0):
        while run_statement_task():
            progress.append(Statement(statement.id).progress)

    statement = Statement(statement.id)
    assert progress == sorted(progress) and progress[-1] == 1
    assert len(progress) == len(statement.build_steps())
    assert (statement.build_state, statement.net_amount) == (
        'done', D('80.78'))
    assert statement.xlsx


@with_transaction()
def test_a_small_month_builds_in_a_few_tasks():
    "Not a task per step (4 kinds of records × 32 windows): a second each"
    Statement = Pool().get('insurance.statement')
    statement = draft_march()

    Statement.build([statement])
    tasks = 0
    while run_statement_task():
        tasks += 1
    statement = Statement(statement.id)
    assert tasks < len(statement.build_steps()) // 4
    assert (statement.build_state, statement.progress) == ('done', 1)
    assert statement.net_amount == D('80.78')


@with_transaction()
def test_a_new_build_stops_the_one_running():
    Statement = Pool().get('insurance.statement')
    statement = draft_march()

    Statement.build([statement])
    run_statement_task()  # the first build has cleared
    Statement.build([statement])
    while run_statement_task():
        pass

    statement = Statement(statement.id)
    assert (statement.build_run, statement.issued_count) == (2, 4)
    assert statement.net_amount == D('80.78')

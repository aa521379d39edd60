import datetime as dt
from decimal import Decimal

import pytest

from trytond.modules.insurance_base.timezone import in_china, utcnow
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .tools import (
    cancel,
    contract_with_fee,
    create_channel,
    endorse,
    issue,
    pay_claim,
    utc,
)

D = Decimal


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_report')


def some_business():
    "Two channels' policies, endorsements, cancellations and claims"
    for code, days in [('SHOP', ['2026-03-01', '2026-03-02']),
            ('MALL', ['2026-03-02', '2026-04-15'])]:
        contract = contract_with_fee(create_channel(code), '0.10')
        for day in days:
            first = issue(contract, f'{day} 00:05', '1.20')
            second = issue(contract, f'{day} 23:55', '2.40')
            endorse(first, f'{day} 12:00', '0.30')
            cancel(second, f'{day} 23:58', '2.00')
            pay_claim(first, f'{day} 20:00', '12.00')


def aggregates(period='day'):
    Statistics = Pool().get('insurance.statistics')
    with Transaction().set_context(period=period):
        return {(s.period_start, s.channel.code, s.plan.code): (
                    s.policies_issued, s.premium, s.cancellations,
                    s.refunds, s.claims_reported, s.claims_paid,
                    s.paid_amount)
            for s in Statistics.search([])}


def direct_count():
    "The daily figures counted on the policies and claims themselves"
    pool = Pool()
    Policy = pool.get('insurance.policy')
    Endorsement = pool.get('insurance.policy.endorsement')
    Claim = pool.get('insurance.claim')
    figures = {}

    def add(timestamp, policy, *measures):
        key = (in_china(timestamp).date(), policy.channel.code,
            policy.plan.code)
        row = figures.setdefault(key, [0, D(0), 0, D(0), 0, 0, D(0)])
        for index, value in measures:
            row[index] += value

    for policy in Policy.search([]):
        add(policy.issued_at, policy, (0, 1), (1, policy.premium))
        if policy.cancelled_at:
            add(policy.cancelled_at, policy, (2, 1), (3, policy.refund))
    for endorsement in Endorsement.search([]):
        add(endorsement.created_at, endorsement.policy,
            (1, endorsement.premium_delta))
    for claim in Claim.search([]):
        add(claim.filed_at, claim.policy, (4, 1))
        if claim.paid_at:
            add(claim.paid_at, claim.policy, (5, 1), (6, claim.paid_amount))
    return {key: tuple(row) for key, row in figures.items()}


def refresh():
    Pool().get('insurance.statistics.day').refresh()


def rows_as_written():
    Day = Pool().get('insurance.statistics.day')
    return {(d.id, d.write_date, d.policies_issued) for d in Day.search([])}


@with_transaction()
def test_aggregates_equal_a_direct_count():
    some_business()
    refresh()
    assert aggregates('day') == direct_count()
    # 1.20 + 2.40 + 0.30 per day, 2 days of SHOP in March
    march = aggregates('month')[(dt.date(2026, 3, 1), 'SHOP', 'STANDARD')]
    assert march == (4, D('7.80'), 2, D('4.00'), 2, 2, D('24.00'))


@with_transaction()
def test_weeks_start_on_monday_in_china():
    some_business()
    refresh()
    weeks = aggregates('week')
    # 2026-03-01 is a Sunday, 2026-03-02 a Monday
    assert weeks[(dt.date(2026, 2, 23), 'SHOP', 'STANDARD')][0] == 2
    assert weeks[(dt.date(2026, 3, 2), 'SHOP', 'STANDARD')][0] == 2


@with_transaction()
def test_loss_ratio_is_paid_over_premium():
    Statistics = Pool().get('insurance.statistics')
    some_business()
    refresh()
    with Transaction().set_context(period='month'):
        april, = Statistics.search(
            [('period_start', '=', dt.date(2026, 4, 1))])
    # 12.00 / (1.20 + 2.40 + 0.30)
    assert april.loss_ratio == D('3.0769')


@with_transaction()
def test_refresh_is_incremental():
    some_business()
    refresh()
    before = rows_as_written()

    refresh()
    assert rows_as_written() == before

    contract = contract_with_fee(create_channel('NEW'), '0.10')
    policy = issue(contract, in_china(utcnow()).strftime('%Y-%m-%d %H:%M'),
        '5.00')
    refresh()
    after = rows_as_written()
    added = after - before
    assert before <= after and len(added) == 1
    (_, _, issued), = added
    assert issued == 1
    assert aggregates('day') == direct_count()
    key = (in_china(policy.issued_at).date(), 'NEW', 'STANDARD')
    assert aggregates('day')[key][:2] == (1, D('5.00'))


@with_transaction()
def test_refresh_catches_what_committed_late():
    "A record stamped before the last refresh, seen only after it"
    Day = Pool().get('insurance.statistics.day')
    some_business()
    refresh()
    contract = contract_with_fee(create_channel('LATE'), '0.10')
    stamped = in_china(utcnow() - dt.timedelta(minutes=3))
    issue(contract, stamped.strftime('%Y-%m-%d %H:%M'), '5.00')
    refresh()
    assert Day.search([('channel.code', '=', 'LATE')], count=True) == 1
    assert aggregates('day') == direct_count()


def test_utc_helper_reads_china_time():
    assert utc('2026-03-01 00:30') == dt.datetime(2026, 2, 28, 16, 30)

"""The XLSX exports open in a spreadsheet and say what the back office says."""
import datetime as dt
from decimal import Decimal

import pytest

from trytond.modules.insurance_report.statistics_export import (
    statistics_workbook,
)
from trytond.modules.insurance_report.tests.tools import (
    built,
    cancel,
    contract_with_fee,
    create_channel,
    endorse,
    issue,
    pay_claim,
    sheet_rows,
    workbook,
)
from trytond.modules.insurance_report.xlsx import Column, Workbook
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

D = Decimal
DETAIL_SHEETS = ["承保明细", "退保明细", "批改明细", "理赔明细"]


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_report')


def a_month_of_business():
    channel = create_channel('SHOP')
    contract = contract_with_fee(channel, '0.10')
    first = issue(contract, '2026-03-02 10:00', '10.00')
    second = issue(contract, '2026-03-03 10:00', '20.55')
    endorse(first, '2026-03-04 10:00', '-1.25')
    cancel(second, '2026-03-05 10:00', '7.45')
    pay_claim(first, '2026-03-06 10:00', '12.00')
    return channel


def amounts(sheet):
    "The last column of the detail rows: their amounts"
    return sum(D(str(row[-1])) for row in sheet_rows(sheet))


@with_transaction()
def test_statement_xlsx_totals_equal_the_statement():
    statement = built(a_month_of_business(), '2026-03')
    book = workbook(statement.xlsx)

    assert book.sheetnames == ["汇总", "手续费"] + DETAIL_SHEETS
    summary = {row[0]: row[1:] for row in sheet_rows(book["汇总"])}
    assert summary["承保保单"] == (2, float(statement.premium))
    assert summary["退保"] == (1, float(statement.refund))
    assert summary["批改保费差额"] == (1, float(statement.endorsement_delta))
    assert summary["渠道手续费"][1] == float(statement.fee)
    assert summary["应结净额"][1] == float(statement.net_amount)
    assert summary["理赔已付（仅供参考）"] == (
        1, float(statement.claim_amount))

    details = dict(zip(DETAIL_SHEETS, [statement.premium, statement.refund,
                statement.endorsement_delta, statement.claim_amount],
                strict=True))
    for title, total in details.items():
        assert amounts(book[title]) == total
    fee_rows = sheet_rows(book["手续费"])
    assert sum(D(str(row[-1])) for row in fee_rows) == statement.fee


@with_transaction()
def test_statement_xlsx_layout():
    statement = built(a_month_of_business(), '2026-03')
    sheet = workbook(statement.xlsx)["承保明细"]

    assert [c.value for c in sheet[1]] == [
        "保单号", "产品", "方案", "契约版本", "出单时间", "起保时间",
        "止保时间",
        "保费"]
    assert sheet.freeze_panes == 'A2'
    assert sheet.auto_filter.ref == 'A1:H3'
    premium = sheet['H2']
    assert premium.value == 10 and premium.number_format == '0.00'
    # Shown in China time
    assert sheet['E2'].value == dt.datetime(2026, 3, 2, 10, 0)


@with_transaction()
def test_statistics_xlsx_equals_the_statistics():
    Day = Pool().get('insurance.statistics.day')
    a_month_of_business()
    Day.refresh()
    data = statistics_workbook('month', [
            ('period_start', '>=', dt.date(2026, 3, 1)),
            ('period_start', '<=', dt.date(2026, 3, 31)),
            ])
    sheet = workbook(data)["业务统计"]
    (period, channel, _, _, issued, premium, cancelled, refunds, reported,
        paid, paid_amount, loss_ratio), = sheet_rows(sheet)
    # 10.00 + 20.55 - 1.25 written; 12.00 paid / 29.30 = 0.4096
    assert (period, channel) == (dt.datetime(2026, 3, 1), 'Shop')
    assert (issued, premium, cancelled, refunds) == (2, 29.3, 1, 7.45)
    assert (reported, paid, paid_amount) == (1, 1, 12.0)
    assert loss_ratio == pytest.approx(0.4096)


def test_timestamps_in_china_time_to_the_second():
    "As the back office shows them: Excel would round 10:00:00.9 up"
    book = Workbook()
    book.sheet("时间", [Column("时间", 'timestamp')]).write_all(
        [(dt.datetime(2026, 3, 2, 2, 0, 0, 900000),)])
    (stamp,), = sheet_rows(workbook(book.close())["时间"])
    assert stamp == dt.datetime(2026, 3, 2, 10, 0, 0)

"""Finance in the back office: a month's channel statement built in the
background, confirmed and downloaded as XLSX, in sao as finance uses it."""
import datetime as dt
import io
import time
from decimal import Decimal

import openpyxl

from ..api.applications import return_shipping
from .sao import Screens
from .seed import FEE_RATE

BEIJING = dt.timedelta(hours=8)
BUILD_TIMEOUT = 120  # seconds


def issued(platform):
    "The number of a new policy the platform issues"
    response = platform.post('/policies', return_shipping())
    assert response.status_code == 201, response.text
    return response.json()['policy_no']


def cancelled(platform, number):
    response = platform.post(f'/policies/{number}/cancellation', {
            'reason': "客户申请退保",
            'effective_date': dt.date.today().isoformat()})
    assert response.status_code == 200, response.text
    return response.json()


def month_in_china(demo_sql, numbers):
    "YYYY-MM of the China month the policies were issued in"
    (period,), = demo_sql(
        "SELECT DISTINCT to_char(issued_at AT TIME ZONE 'UTC' "
        "AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') FROM insurance_policy "
        "WHERE number = ANY(%s)", (numbers,))
    return period


def shown(scope, name):
    "The text a person reads in the field name of a form"
    field = scope.locator(f'[name="{name}"]').first
    if field.evaluate('node => node.tagName') == 'SELECT':
        return field.locator('option:checked').inner_text().strip()
    return field.input_value()


def wait_until_built(screens, tab):
    """Reload the statement, as a person does, until the build is done"""
    deadline = time.monotonic() + BUILD_TIMEOUT
    while shown(tab, 'build_state') != "已生成":
        assert time.monotonic() < deadline, shown(tab, 'build_state')
        time.sleep(0.5)
        tab.locator('button[title="刷新/撤销"]').first.click()
        screens.office.wait_idle()


def money(text):
    return Decimal(text.replace(',', ''))


def test_finance_builds_confirms_and_downloads_a_statement(
        back_office, demo_sql, new_channel, queue_worker):
    code, platform = new_channel('FIN')
    numbers = [issued(platform) for _ in range(3)]
    refund = Decimal(cancelled(platform, numbers[0])['refund'])
    period = month_in_china(demo_sql, numbers)
    screens = Screens(back_office('finance'))
    office = screens.office

    tab = office.open_menu('保险', '报表', '渠道对账单')
    screens.new(tab)
    screens.many2one(tab, 'channel', code)
    screens.fill(tab, 'period', period)
    screens.save(tab)
    screens.button(tab, "生成")
    assert shown(tab, 'build_state') in {"排队中", "生成中", "已生成"}
    wait_until_built(screens, tab)
    office.screenshot('statement-built')

    (statement_id, premium, fee, net), = demo_sql(
        "SELECT s.id, s.premium, s.fee, s.net_amount "
        "FROM insurance_statement s JOIN insurance_channel c "
        "ON c.id = s.channel WHERE c.code = %s AND s.period = %s",
        (code, period))
    policies = demo_sql(
        "SELECT number, issued_at, premium FROM insurance_policy "
        "WHERE number = ANY(%s) ORDER BY issued_at, id", (numbers,))
    assert premium == sum(p for _, _, p in policies)
    assert fee == ((premium - refund) * FEE_RATE).quantize(Decimal('0.01'))
    assert shown(tab, 'issued_count') == '3'
    assert money(shown(tab, 'premium')) == premium
    assert shown(tab, 'cancellation_count') == '1'
    assert money(shown(tab, 'refund')) == refund
    assert money(shown(tab, 'fee')) == fee
    assert money(shown(tab, 'net_amount')) == net == premium - refund - fee

    screens.button(tab, "确认")
    screens.confirm("确认后对账单的数据将被冻结，是否继续？")
    assert shown(tab, 'state') == "已确认"
    assert demo_sql("SELECT state FROM insurance_statement WHERE id = %s",
        (statement_id,)) == [('confirmed',)]
    assert not tab.get_by_role('button', name="生成").is_visible()

    name, data = office.download(tab.locator('button[title="另存为..."]'))
    office.screenshot('statement-confirmed')
    assert name == f'statement-{code}-{period}.xlsx'
    book = openpyxl.load_workbook(io.BytesIO(data))
    summary = {row[0]: row[1:]
        for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["承保保单"] == (3, float(premium))
    assert summary["退保"] == (1, float(refund))
    assert summary["渠道手续费"][1] == float(fee)
    assert summary["应结净额"][1] == float(net)
    details = list(book["承保明细"].iter_rows(min_row=2, values_only=True))
    # Each policy issued, at its time in Beijing, to the second
    assert [(row[0], row[4], Decimal(str(row[-1]))) for row in details] == [
        (number, (issued_at + BEIJING).replace(microsecond=0), premium)
        for number, issued_at, premium in policies]

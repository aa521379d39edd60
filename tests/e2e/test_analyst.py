"""The analyst in the back office: business statistics by channel, product,
plan and day, week or month, as a list and as a chart, exported as XLSX."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl

from ..api.applications import china_today, return_shipping
from .sao import Screens

PLANS = {'STANDARD': "标准款", 'PLUS': "升级款"}
PRODUCT = "退货运费险"


def issued(platform, plan_code):
    response = platform.post(
        '/policies', return_shipping(plan_code=plan_code))
    assert response.status_code == 201, response.text
    return response.json()


def cancelled(platform, policy):
    response = platform.post(
        f"/policies/{policy['policy_no']}/cancellation", {
            'reason': "客户申请退保",
            'effective_date': china_today().isoformat()})
    assert response.status_code == 200, response.text
    return response.json()


def a_day_of_business(platform):
    """Two policies of STANDARD (one cancelled) and one of PLUS; return the
    figures per plan: (issued, premium, cancellations, refunds)"""
    standard = [issued(platform, 'STANDARD') for _ in range(2)]
    plus = issued(platform, 'PLUS')
    refund = Decimal(cancelled(platform, standard[0])['refund'])
    return {
        PLANS['STANDARD']: (2, premium(*standard), 1, refund),
        PLANS['PLUS']: (1, premium(plus), 0, Decimal(0)),
        }


def premium(*policies):
    return sum(Decimal(p['premium']) for p in policies)


def filter_list(office, tab, text):
    "Search the list as a person types into its filter box"
    search = tab.locator('input[placeholder="查找"]')
    search.fill(text)
    search.press('Enter')
    office.wait_idle()


def list_rows(tab):
    "The rows of the list of tab, as {column header: text shown}"
    headers = [h.strip() for h in
        tab.locator('.treeview thead th').all_inner_texts()]
    return [dict(zip(headers, (c.strip() for c in
                    row.locator('td').all_inner_texts()), strict=True))
        for row in tab.locator('.treeview tbody tr').all()]


def figures_shown(rows):
    "{plan name: (issued, premium, cancellations, refunds)} of list rows"
    return {row["方案"].split('] ')[-1]: (
            int(row["承保件数"]), Decimal(row["保费"]), int(row["退保件数"]),
            Decimal(row["退费"])) for row in rows}


def switch_view(office, tab):
    tab.locator('button[title="切换"]').first.click()
    office.wait_idle()


def test_analyst_reads_statistics_as_list_and_chart_and_exports_them(
        back_office, demo_sql, new_channel, refresh_statistics):
    code, platform = new_channel('ANA')
    figures = a_day_of_business(platform)
    refresh_statistics()  # as the cron does every minute
    today = china_today()
    screens = Screens(back_office('analyst'))
    office = screens.office

    # By day: a row per plan of the channel, as the database counted them
    tab = office.open_menu('保险', '报表', '业务统计', '按日业务统计')
    filter_list(office, tab, f'渠道: {code}')
    rows = list_rows(tab)
    office.screenshot('statistics-by-day')
    assert {(r["期间"], r["渠道"], r["产品"]) for r in rows} == {
        (today.isoformat(), code, PRODUCT)}
    assert figures_shown(rows) == figures
    stored = demo_sql(
        "SELECT p.name, d.policies_issued, d.premium, d.cancellations, "
        "d.refunds FROM insurance_statistics_day d "
        "JOIN insurance_channel c ON c.id = d.channel "
        "JOIN insurance_plan p ON p.id = d.plan "
        "WHERE c.code = %s AND d.day = %s", (code, today))
    assert {name: tuple(values) for name, *values in stored} == figures

    # As a chart: premium written per day, then the counts
    switch_view(office, tab)
    chart = tab.locator('.graph svg')
    chart.get_by_text("保费").first.wait_for()
    # billboard.js answers the pointer over the bar: the figures of the day
    chart.locator('.bb-bar').first.hover(force=True)
    tooltip = tab.locator('.bb-tooltip')
    tooltip.wait_for()
    office.screenshot('statistics-by-day-chart')
    day, *lines = tooltip.inner_text().splitlines()
    shown = {label: Decimal(value)
        for label, value in (line.split('\t') for line in lines)}
    assert (day, shown) == (today.isoformat(), {
            "保费": sum(f[1] for f in figures.values()),
            "退费": sum(f[3] for f in figures.values()),
            "赔付金额": 0})
    switch_view(office, tab)
    tab.locator('.graph svg').get_by_text("承保件数").first.wait_for()
    office.screenshot('statistics-by-day-counts')

    # By week, one plan: the week starts on Monday
    tab = office.open_menu('保险', '报表', '业务统计', '按周业务统计')
    filter_list(office, tab, f'渠道: {code} 方案: {PLANS["PLUS"]}')
    rows = list_rows(tab)
    monday = today - dt.timedelta(days=today.weekday())
    assert [r["期间"] for r in rows] == [monday.isoformat()]
    assert figures_shown(rows) == {
        PLANS['PLUS']: figures[PLANS['PLUS']]}
    office.screenshot('statistics-by-week')

    # By month
    tab = office.open_menu('保险', '报表', '业务统计', '按月业务统计')
    filter_list(office, tab, f'渠道: {code}')
    rows = list_rows(tab)
    assert {r["期间"] for r in rows} == {today.replace(day=1).isoformat()}
    assert figures_shown(rows) == figures
    office.screenshot('statistics-by-month')

    # Exported: the file says what the screens say
    office.open_menu('保险', '报表', '业务统计', '导出业务统计')
    # the wizard's dialog, whatever sao opens over it
    dialog = office.page.locator('.modal.in', has_text="导出业务统计")
    dialog.locator('select[name="period"]').select_option(label="日")
    screens.fill(dialog, 'from_date', today.isoformat())
    screens.fill(dialog, 'to_date', today.isoformat())
    screens.many2one(dialog, 'channel', code)
    office.screenshot('statistics-export')
    screens.button(dialog, "导出")
    name, data = office.download(dialog.locator('button[title="另存为..."]'))
    assert name == f'statistics-day-{today}-{today}.xlsx'
    sheet = openpyxl.load_workbook(io.BytesIO(data))["业务统计"]
    exported = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {(row[0].date(), row[1], row[2]) for row in exported} == {
        (today, code, PRODUCT)}
    assert {row[3].split('] ')[-1]: (row[4], Decimal(str(row[5])), row[6],
            Decimal(str(row[7]))) for row in exported} == figures
    screens.button(dialog, "关闭")

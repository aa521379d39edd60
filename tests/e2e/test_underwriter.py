"""The underwriter's tasks of the seed in the back office: create a product
(version, plans, coverages, a rating table, a rule), change the published
product through a new version, publish it, withdraw it. The product is
defined with the helpers of test_product_factory."""
import uuid

from .sao import Screens
from .test_product_factory import define_line, define_product

TICKET_RULE = {
    "名称": "票价上限", "表达式": 'risk.ticket_price <= 20000',
    "错误代码": 'TICKET_PRICE_TOO_HIGH',
    "提示信息": "票价不得超过 20,000 元。"}


def versions_of(demo_sql, product_code):
    "(number, state, published or not) of the product's versions"
    return demo_sql(
        "SELECT v.number, v.state, v.published_at IS NOT NULL "
        "FROM insurance_product_version v JOIN insurance_product p "
        "ON p.id = v.product WHERE p.code = %s ORDER BY v.number",
        (product_code,))


def plan_of(demo_sql, product_code, number):
    "(base premium, rule codes) of the STANDARD plan of version number"
    return demo_sql(
        "SELECT pl.base_premium, array_agg(r.error_code ORDER BY r.id) "
        "FILTER (WHERE r.id IS NOT NULL) FROM insurance_plan pl "
        "JOIN insurance_product_version v ON v.id = pl.version "
        "JOIN insurance_product p ON p.id = v.product "
        "LEFT JOIN insurance_plan_rule r ON r.plan = pl.id "
        "WHERE p.code = %s AND v.number = %s AND pl.code = 'STANDARD' "
        "GROUP BY pl.id", (product_code, number))


def open_plan(screens, tab, code='STANDARD'):
    "The form of a plan of the version in the tab, in a dialog"
    screens.page_of(tab, "方案")
    screens.one2many(tab, "方案").locator(
        'tbody tr', has_text=code).first.dblclick()
    screens.office.wait_idle()
    dialog = screens.dialog
    dialog.locator('input[name="base_premium"]:visible').wait_for()
    return dialog


def apply(screens, dialog):
    "Close a record's dialog keeping its changes (应用更改)"
    dialog.locator('button', has_text='应用更改').last.click()
    screens.office.wait_idle()


def saved(screens, tab):
    "Save the form in the tab and see sao say so"
    screens.save(tab)
    tab.locator('.infobar .alert', has_text="记录保存成功").wait_for()


def shown_state(tab):
    "The label of the state the form shows"
    return tab.locator('.form select[name="state"] option:checked'
        ).first.inner_text()


def test_underwriter_creates_changes_publishes_and_withdraws_a_product(
        back_office, demo_sql):
    suffix = uuid.uuid4().hex[:6].upper()
    line_code, code = f'UW_LINE_{suffix}', f'UW_PRODUCT_{suffix}'
    name = f"航班延误险 {suffix}"
    office = back_office('underwriter')
    screens = Screens(office)

    # create: the line, the product, its version with risk attributes, a
    # rating table, the STANDARD plan with a coverage and a rating factor,
    # then an underwriting rule on the plan
    define_line(screens, line_code)
    tab = define_product(screens, line_code, code, name)
    dialog = open_plan(screens, tab)
    screens.page_of(dialog, "核保规则")
    screens.new_row(screens.one2many(dialog, "核保规则"), **TICKET_RULE)
    apply(screens, dialog)
    saved(screens, tab)
    assert versions_of(demo_sql, code) == [(1, 'draft', False)]
    assert demo_sql(
        "SELECT (SELECT array_agg(a.name ORDER BY a.name) "
        "FROM insurance_product_risk_attribute a WHERE a.version = v.id), "
        "(SELECT array_agg(t.code || ':' || (SELECT count(*) "
        "FROM insurance_rating_table_row r WHERE r.table = t.id)) "
        "FROM insurance_rating_table t WHERE t.version = v.id), "
        "(SELECT array_agg(c.code) FROM insurance_plan_coverage c "
        "JOIN insurance_plan pl ON pl.id = c.plan WHERE pl.version = v.id) "
        "FROM insurance_product_version v JOIN insurance_product p "
        "ON p.id = v.product WHERE p.code = %s", (code,)) == [(
            ['flight_date', 'flight_no', 'ticket_price'],
            ['TICKET_PRICE:3'], ['DELAY'])]
    assert plan_of(demo_sql, code, 1) == [(5, ['TICKET_PRICE_TOO_HIGH'])]

    # publish
    screens.button(tab, "发布")
    assert shown_state(tab) == "已发布"
    assert versions_of(demo_sql, code) == [(1, 'published', True)]

    # a published version is shown read-only: nothing to type and refuse
    dialog = open_plan(screens, tab)
    assert not dialog.locator(
        'input[name="base_premium"]:visible').is_editable()
    dialog.locator('button', has_text='放弃更改').last.click()
    office.wait_idle()

    # change it: 新版本 opens the new draft at once, in its own tab
    screens.button(tab, "新版本")
    office.page.locator('#tablist > li.active', has_text="新版本").wait_for()
    draft = office.tab
    title = office.tab_titles[-1]
    assert "新版本" in title and f"{name} v1" in title, title
    assert draft.locator('input[name="number"]:visible').input_value() == '2'
    assert shown_state(draft) == "草稿"
    office.screenshot(office.name + '-new-version')
    # pressed again on v1, however often: the same draft, no v3
    for _ in range(2):
        office.page.locator('#tablist > li', has_text="产品版本").filter(
            has_not_text="新版本").locator('a').first.click()
        office.wait_idle()
        screens.button(office.tab, "新版本")
        office.page.locator('#tablist > li.active', has_text="新版本"
            ).wait_for()
    assert versions_of(demo_sql, code) == [
        (1, 'published', True), (2, 'draft', False)]
    draft = office.tab
    assert draft.locator('input[name="number"]:visible').input_value() == '2'

    dialog = open_plan(screens, draft)
    screens.fill(dialog, 'base_premium', '6.00')
    apply(screens, dialog)
    saved(screens, draft)
    assert plan_of(demo_sql, code, 2) == [(6, ['TICKET_PRICE_TOO_HIGH'])]
    assert plan_of(demo_sql, code, 1) == [(5, ['TICKET_PRICE_TOO_HIGH'])]

    # publish the new version: it replaces the old one
    screens.button(draft, "发布")
    assert shown_state(draft) == "已发布"
    assert versions_of(demo_sql, code) == [
        (1, 'superseded', True), (2, 'published', True)]

    # withdraw it: the product sells nothing any more
    screens.button(draft, "下架")
    assert shown_state(draft) == "已下架"
    assert versions_of(demo_sql, code) == [
        (1, 'superseded', True), (2, 'withdrawn', True)]


def test_underwriter_is_told_what_is_wrong(back_office, demo_sql):
    "A product code taken, a version without a plan: refused, unchanged"
    suffix = uuid.uuid4().hex[:6].upper()
    code, name = f'UW_EMPTY_{suffix}', f"空产品 {suffix}"
    office = back_office('underwriter')
    screens = Screens(office)
    tab = office.open_menu('保险', '产品', '产品')
    screens.new(tab)
    screens.fill(tab, 'code', 'RETURN_SHIPPING')
    screens.fill(tab, 'name', name)
    screens.many2one(tab, 'line', 'RETURN_SHIPPING')
    with office.expect_problem("产品代码必须唯一"):
        screens.save(tab)
        assert "产品代码必须唯一" in screens.refusal()
    assert not demo_sql(
        "SELECT id FROM insurance_product WHERE name = %s", (name,))
    screens.fill(tab, 'code', code)
    saved(screens, tab)

    tab = office.open_menu('保险', '产品', '产品版本')
    screens.new(tab)
    screens.many2one(tab, 'product', name)
    saved(screens, tab)
    with office.expect_problem("没有方案，不能发布"):
        tab.get_by_role('button', name="发布").click()
        assert f"版本“{name} v1”没有方案，不能发布。" in screens.refusal()
    assert shown_state(tab) == "草稿"
    assert versions_of(demo_sql, code) == [(1, 'draft', False)]

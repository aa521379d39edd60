"""Issue 16 in the back office: the underwriter defines 航班延误险 — its line
of business (claim details, claim rules, payment formula), the product and
a version (risk attributes, a rating table by ticket price band, a plan) —
tries it out, publishes it; the business user grants it to a channel, which
can then quote it. Nothing in the modules names this product."""
import time
import uuid
from decimal import Decimal, InvalidOperation

from ..api.applications import china_today, person
from ..client import DEMO_KEYS, Client
from .sao import Screens

CLAIM_RULES = [
    ("延误满 2 小时", 'details.delay_minutes >= 120', 'DELAY_TOO_SHORT',
        "航班延误不足 2 小时。"),
    # two lines: the condition is one expression
    ("航班日期在保险期间内", 'policy.start <= risk.flight_date\n< policy.end',
        'FLIGHT_NOT_COVERED', "航班日期不在保险期间内。"),
    ]
RISK_ATTRIBUTES = [
    ('flight_no', "航班号", '文本'), ('flight_date', "航班日期", '日期'),
    ('ticket_price', "票价", '小数')]
PRICE_BANDS = [('0', '500', '0.8'), ('500', '1500', '1'), ('1500', '', '1.5')]


def define_line(screens, code):
    "The underwriter's line of business: details, rules, payment"
    office = screens.office
    tab = office.open_menu('保险', '产品', '险种')
    screens.new(tab)
    screens.fill(tab, 'code', code)
    screens.fill(tab, 'name', "航班延误")
    screens.fill(
        tab, 'insured_object', 'flight_no, flight_date, insured.id_no')
    tab.locator('select[name="settlement"]').select_option(
        label="按规则自动理赔")
    tab.locator('input[name="single_payment"]').check()
    details = screens.one2many(tab, "理赔资料")
    screens.new_row(details, **{"名称": 'delay_minutes', "标签": "延误分钟数",
            "类型": "整数", "必填": True})
    screens.page_of(tab, "自动理赔")
    screens.fill(tab, 'payment_formula', '50 * (details.delay_minutes // 60)')
    screens.fill(tab, 'payment_prefix', 'FD-')
    rules = screens.one2many(tab, "理赔规则")
    for name, expression, code_, message in CLAIM_RULES:
        dialog = screens.new_record(rules)
        screens.fill(dialog, 'name', name)
        screens.fill(dialog, 'rejection_code', code_)
        screens.fill(dialog, 'message', message)
        screens.fill(dialog, 'expression', expression, 'textarea')
        screens.add(dialog)
    screens.save(tab)
    return tab


def define_product(screens, line_code, product_code, product_name):
    "The product and a draft version: risk, rating by ticket price, plan"
    office = screens.office
    tab = office.open_menu('保险', '产品', '产品')
    screens.new(tab)
    screens.fill(tab, 'code', product_code)
    screens.fill(tab, 'name', product_name)
    screens.many2one(tab, 'line', line_code)
    screens.save(tab)

    tab = office.open_menu('保险', '产品', '产品版本')
    screens.new(tab)
    screens.many2one(tab, 'product', product_name)
    screens.page_of(tab, "风险要素")
    attributes = screens.one2many(tab, "风险要素")
    for name, string, type_ in RISK_ATTRIBUTES:
        screens.new_row(attributes, **{"名称": name, "显示名称": string,
                "类型": type_, "必填": True})
    screens.save(tab)

    screens.page_of(tab, "费率表")
    dialog = screens.new_record(screens.one2many(tab, "费率表"))
    screens.fill(dialog, 'code', 'TICKET_PRICE')
    screens.fill(dialog, 'name', "票价系数")
    screens.fill(dialog, 'attribute', 'ticket_price')
    match = dialog.locator('select[name="match"]')
    match.select_option(label="数值区间")
    office.wait_idle()
    assert match.input_value() == '"band"'

    rows = screens.one2many(dialog, "费率行")
    for lower, upper, factor in PRICE_BANDS:
        screens.new_row(rows, **{"下限": lower, "上限": upper, "系数": factor})
    screens.add(dialog)
    screens.save(tab)

    screens.page_of(tab, "方案")
    dialog = screens.new_record(screens.one2many(tab, "方案"))
    for name, value in [('code', 'STANDARD'), ('name', "标准款"),
            ('term_value', '30'), ('base_premium', '5.00'),
            ('minimum_premium', '2.00'), ('sum_insured', '300.00')]:
        screens.fill(dialog, name, value)
    screens.new_row(screens.one2many(dialog, "保障责任"), **{
            "代码": 'DELAY', "名称": "航班延误", "保险金额": '300.00'})
    screens.page_of(dialog, "费率因子")
    screens.new_row(screens.one2many(dialog, "费率因子"),
        **{"费率表": "票价系数"})
    screens.add(dialog)
    screens.save(tab)
    return tab


def fill_dict(screens, widget, label, value):
    "Type value into the entry of a dictionary widget labelled label"
    row = widget.locator('.dict-row').filter(
        has=screens.page.locator('label', has_text=label)).first
    row.wait_for()
    for attempt in range(3):
        field = row.locator('input:visible').first
        if attempt:
            # a number entry swaps its text input for a number input on
            # focus: type into the one shown then (':focus' may still name
            # the hidden text input under load)
            field.click()
            field = row.locator('input:visible').first
        field.fill(value)
        field.press('Tab')
        screens.office.wait_idle()
        shown = row.locator('input:visible').first.input_value()
        if same_entry(shown, value):
            return
    raise AssertionError(f"{label} shows {shown!r}, not {value!r}")


def same_entry(shown, value):
    "Whether sao shows value (numbers formatted its way)"
    try:
        return Decimal(shown.replace(',', '')) == Decimal(value)
    except InvalidOperation:
        return shown == value


def shown(locator, timeout=15):
    "The value of an entry once sao has drawn one"
    deadline = time.monotonic() + timeout
    while not (value := locator.input_value()):
        assert time.monotonic() < deadline, "nothing shown"
        locator.page.wait_for_timeout(100)
    return value


def try_out(screens, tab):
    "Try the draft version: a sample risk priced, a sample claim decided"
    office = screens.office
    screens.button(tab, "试算")
    risk = screens.dialog.locator('.form-dict').first
    today = china_today()
    # a dictionary's date is typed as sao writes it ('%x')
    flight_date = screens.page.evaluate(
        "([y, m, d]) => Sao.common.format_date('%x', Sao.Date(y, m, d))",
        [today.year, today.month - 1, today.day])
    for label, value in [("航班号", 'MU5101'), ("航班日期", flight_date),
            ("票价", '1600')]:
        fill_dict(screens, risk, label, value)
    screens.button(screens.dialog, "试算")
    wizard = screens.dialog
    # 5.00 x 1.50 (1,500 and more)
    assert shown(wizard.locator('input[name="premium"]:visible')) == '7.50'
    assert 'TICKET_PRICE' in shown(
        wizard.locator('textarea[name="breakdown"]'))
    for minutes, decided in [('100', 'DELAY_TOO_SHORT'), ('185', '150.00')]:
        screens.page_of(screens.dialog, "理赔")
        details = screens.dialog.locator('.form-dict').last
        fill_dict(screens, details, "延误分钟数", minutes)
        screens.button(screens.dialog, "试算")
        screens.page_of(screens.dialog, "理赔")
        decision = screens.dialog.locator('textarea[name="decision"]')
        deadline = time.monotonic() + 15
        while decided not in decision.input_value():
            assert time.monotonic() < deadline, decision.input_value()
            screens.page.wait_for_timeout(100)
    office.screenshot(office.name + '-try-out')
    screens.button(screens.dialog, "关闭")


def grant(screens, version_name, channel_name="淘猫商城"):
    "The business user's contract granting the version to the channel"
    tab = draft_grant(screens, version_name, channel_name)
    screens.save(tab)
    screens.button(tab, "生效")
    return tab


def draft_grant(screens, version_name, channel_name):
    "A new contract granting the STANDARD plan of the version, not saved"
    office = screens.office
    tab = office.open_menu('保险', '渠道', '授权契约')
    screens.new(tab)
    screens.many2one(tab, 'channel', channel_name)
    screens.many2one(tab, 'product_version', version_name)
    # quote, issue and query are granted by default
    plans = tab.locator('.form-many2many').first
    entry = plans.locator('input:visible').first
    entry.fill('STANDARD')
    office.wait_idle()
    plans.locator('.dropdown-menu li', has_text='[STANDARD]').first.click()
    office.wait_idle()
    plans.locator('tbody tr', has_text='STANDARD').first.wait_for()
    return tab


def test_underwriter_defines_flight_delay_and_business_grants_it(
        back_office, demo_sql):
    suffix = uuid.uuid4().hex[:6].upper()
    line_code, product_code = f'FD_LINE_{suffix}', f'FLIGHT_DELAY_{suffix}'
    screens = Screens(back_office('underwriter'))
    define_line(screens, line_code)
    assert demo_sql(
        "SELECT l.settlement, l.payment_formula, count(r.id) "
        "FROM insurance_line l JOIN insurance_line_claim_rule r "
        "ON r.line = l.id WHERE l.code = %s GROUP BY 1, 2",
        (line_code,)) == [
        ('automatic', '50 * (details.delay_minutes // 60)', 2)]

    product_name = f"航班延误险 {suffix}"
    tab = define_product(screens, line_code, product_code, product_name)
    try_out(screens, tab)
    screens.button(tab, "发布")
    assert demo_sql(
        "SELECT v.state FROM insurance_product_version v JOIN "
        "insurance_product p ON p.id = v.product WHERE p.code = %s",
        (product_code,)) == [('published',)]

    business = Screens(back_office('business'))
    grant(business, product_name)
    taomall = Client(screens.office.base_url, DEMO_KEYS['TAOMALL'])
    quote = taomall.post('/quotes', {
            'product_code': product_code, 'plan_code': 'STANDARD',
            'effective_date': china_today().isoformat(),
            'policyholder': person(),
            'risk': {'flight_no': 'MU5101',
                'flight_date': china_today().isoformat(),
                'ticket_price': '480'}})
    assert quote.status_code == 200, quote.text
    assert quote.json()['premium'] == '4.00'

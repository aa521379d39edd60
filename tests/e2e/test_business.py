"""The business staff's tasks of the seed in the back office: add a channel
(callback URL, IP allowlist, an API key shown once), grant it a product
with rates and operations (契约), change the grant (new policies use the new
terms), change the channel, terminate the grant, close the channel — each
checked on the screen, in the database and through the partner API."""
import hashlib
import uuid
from decimal import Decimal

from ..api.applications import error_code, return_shipping
from ..client import Client
from .sao import Screens
from .test_product_factory import draft_grant, shown

CALLBACK_URL = 'https://callback.shop.example.com/insurance/claims'
LOCAL = '127.0.0.1\n::1'
# Bad input a person may type, and what sao must say (nothing is saved)
BAD_CHANNEL_INPUT = [
    ('callback_url', 'input', 'callback.shop.example.com/claims',
        "必须是 http 或 https 地址"),
    ('callback_url', 'input', 'http://callback.shop.example.com/claims',
        "必须使用 https"),
    ('ip_allowlist', 'textarea', '127.0.0.1\n10.0.0.300',
        "“10.0.0.300”既不是 IP 地址也不是 CIDR 网段"),
    ]


def fill_number(screens, scope, name, value):
    "Type a number; sao shows it with its digits"
    field = scope.locator(f'input[name="{name}"]:visible').first
    field.click()
    field.fill(value)
    field.press('Tab')
    screens.office.wait_idle()
    shown = scope.locator(f'input[name="{name}"]:visible').first.input_value()
    assert Decimal(shown.replace(',', '')) == Decimal(value), shown


def saved(screens, tab):
    "Save the form in the tab and see sao say so"
    screens.save(tab)
    tab.locator('.infobar .alert', has_text="记录保存成功").wait_for()


def shown_state(tab):
    "The label of the state the form shows"
    return tab.locator('.form select[name="state"] option:checked'
        ).first.inner_text()


def go_to_tab(office, title):
    office.page.locator('#tablist > li', has_text=title).locator(
        'a').first.click()
    office.wait_idle()
    return office.tab


def add_channel(screens, code, name):
    "The new channel's form, refused bad input first, then saved"
    office = screens.office
    tab = office.open_menu('保险', '渠道', '渠道')
    screens.new(tab)
    screens.fill(tab, 'code', code)
    screens.fill(tab, 'name', name)
    tab.locator('select[name="kind"]').select_option(label="电商平台")
    good = {'callback_url': CALLBACK_URL, 'ip_allowlist': LOCAL}
    for field, tag, value, says in BAD_CHANNEL_INPUT:
        screens.fill(tab, field, value, tag)
        with office.expect_problem(says):
            screens.save(tab)
            assert says in screens.refusal()
        screens.fill(tab, field, good[field], tag)
    saved(screens, tab)
    return tab


def generate_api_key(screens, tab):
    "The key the wizard shows once"
    office = screens.office
    screens.page_of(tab, "API 密钥")
    screens.button(tab, "生成 API 密钥")
    screens.fill(screens.dialog, 'name', "生产")
    screens.button(screens.dialog, "生成")
    key = shown(screens.dialog.locator('input[name="key"]:visible'))
    office.screenshot(office.name + '-api-key')
    screens.button(screens.dialog, "关闭")
    return key


def policy_terms(demo_sql, policy_no):
    "(contract version number, its rate adjustment) of an issued policy"
    return demo_sql(
        "SELECT v.number, v.rate_adjustment FROM insurance_policy p "
        "JOIN insurance_contract_version v ON v.id = p.contract_version "
        "WHERE p.number = %s", (policy_no,))


def test_business_adds_grants_changes_and_closes_a_channel(
        back_office, demo_sql, demo_server):
    suffix = uuid.uuid4().hex[:6].upper()
    code, name = f'SHOP_{suffix}', f"优选商城 {suffix}"
    screens = Screens(back_office('business'))
    office = screens.office

    # add the channel: bad input refused with a Chinese message, then saved
    channel = add_channel(screens, code, name)
    assert demo_sql(
        "SELECT state, callback_url, ip_allowlist, "
        "length(webhook_secret) > 30 FROM insurance_channel WHERE code = %s",
        (code,)) == [('open', CALLBACK_URL, LOCAL, True)]

    # its API key, shown once: only its hash is kept, the form lists its
    # prefix
    key = generate_api_key(screens, channel)
    assert key.startswith('ick_')
    assert demo_sql(
        "SELECT k.prefix, k.key_hash, k.state "
        "FROM insurance_channel_api_key k JOIN insurance_channel c "
        "ON c.id = k.channel WHERE c.code = %s", (code,)) == [
        (key[:12], hashlib.sha256(key.encode()).hexdigest(), 'active')]
    screens.one2many(channel, "API 密钥").locator(
        'tbody tr', has_text=key[:12]).wait_for()
    assert key not in office.page.content()
    assert not demo_sql("SELECT id FROM ir_session_wizard WHERE data LIKE %s",
        (f'%{key}%',))

    # grant it 退货运费险 with its rates and operations
    contract = draft_grant(screens, "退货运费险", name)
    fill_number(screens, contract, 'rate_adjustment', '1.2')
    fill_number(screens, contract, 'fee_rate', '15')
    contract.locator('select[name="operations"]').select_option(
        label=["报价", "承保", "查询", "理赔"])
    office.wait_idle()
    saved(screens, contract)
    screens.button(contract, "生效")
    assert shown_state(contract) == "生效中"
    number, = demo_sql(
        "SELECT k.number FROM insurance_contract k JOIN insurance_channel c "
        "ON c.id = k.channel WHERE c.code = %s AND k.state = 'active'",
        (code,))[0]
    assert demo_sql(
        "SELECT v.number, v.rate_adjustment, v.fee_rate, v.operations, "
        "v.effective_to IS NULL FROM insurance_contract_version v "
        "JOIN insurance_contract k ON k.id = v.contract "
        "WHERE k.number = %s", (number,)) == [
        (1, Decimal('1.2'), Decimal('0.15'),
            ['claim', 'issue', 'query', 'quote'], True)]

    # the channel sells with its new key
    shop = Client(demo_server, key)
    application = return_shipping()
    first_quote = shop.post('/quotes', application)
    assert first_quote.status_code == 200, first_quote.text
    first = shop.post('/policies', return_shipping())
    assert first.status_code == 201, first.text
    assert policy_terms(demo_sql, first.json()['policy_no']) == [
        (1, Decimal('1.2'))]

    # change the grant: the policies issued from now on follow the new terms
    fill_number(screens, contract, 'rate_adjustment', '1.5')
    saved(screens, contract)
    screens.page_of(contract, "版本")
    assert screens.one2many(contract, "版本").locator(
        'tbody tr').count() == 2
    second = shop.post('/policies', return_shipping())
    assert second.status_code == 201, second.text
    assert policy_terms(demo_sql, second.json()['policy_no']) == [
        (2, Decimal('1.5'))]
    assert policy_terms(demo_sql, first.json()['policy_no']) == [
        (1, Decimal('1.2'))]
    second_quote = shop.post('/quotes', application)
    assert (Decimal(second_quote.json()['premium'])
        > Decimal(first_quote.json()['premium']))

    # change the channel: out of its allowlist the API refuses it
    channel = go_to_tab(office, "渠道")
    screens.page_of(channel, "基本信息")
    screens.fill(channel, 'ip_allowlist', '203.0.113.7', 'textarea')
    saved(screens, channel)
    refused = shop.post('/quotes', application)
    assert (refused.status_code, error_code(refused)) == (
        403, 'IP_NOT_ALLOWED')
    screens.fill(channel, 'ip_allowlist', LOCAL, 'textarea')
    saved(screens, channel)
    assert shop.post('/quotes', application).status_code == 200

    # terminate the grant: the channel may no longer sell the product
    contract = go_to_tab(office, "授权契约")
    contract.get_by_role('button', name="终止").click()
    screens.confirm("终止后渠道不能再依据该契约出单。确定终止？")
    assert shown_state(contract) == "已终止"
    assert demo_sql(
        "SELECT k.state, bool_and(v.effective_to IS NOT NULL) "
        "FROM insurance_contract k JOIN insurance_contract_version v "
        "ON v.contract = k.id WHERE k.number = %s GROUP BY k.state",
        (number,)) == [('terminated', True)]
    refused = shop.post('/policies', return_shipping())
    assert refused.status_code == 403, refused.text

    # close the channel: the API refuses it altogether
    channel = go_to_tab(office, "渠道")
    channel.locator('button[name="close"]').click()
    screens.confirm("该渠道的所有 API 调用都将被拒绝。确定关闭？")
    assert shown_state(channel) == "已关闭"
    assert demo_sql("SELECT state FROM insurance_channel WHERE code = %s",
        (code,)) == [('closed',)]
    refused = shop.post('/quotes', application)
    assert (refused.status_code, error_code(refused)) == (
        403, 'CHANNEL_CLOSED')
    # a closed channel is granted nothing
    contract = draft_grant(screens, "退货运费险", name)
    saved(screens, contract)
    with office.expect_problem("已关闭"):
        contract.get_by_role('button', name="生效").click()
        assert f"渠道“{name}”已关闭" in screens.refusal()
    assert shown_state(contract) == "草稿"
    assert demo_sql(
        "SELECT k.state FROM insurance_contract k JOIN insurance_channel c "
        "ON c.id = k.channel WHERE c.code = %s ORDER BY k.id",
        (code,)) == [('terminated',), ('draft',)]

"""The claims handler (理赔员) in sao: takes a claim ZHIFUPAY filed, approves
it for an amount within what remains of the sum insured (a larger amount is
refused, in Chinese, and changes nothing) or rejects it with a reason, pays
it, and reads its change log: labels and values as the form names them,
times in Beijing time to the second, nothing editable."""
import uuid
from decimal import Decimal

from playwright.sync_api import expect

from .partner import account_security_policy, filed_claim
from .sao import Screens, beijing_time

# What the change log shows besides its date and time
LOG_COLUMNS = ['操作方', '变更项', '变更前', '变更后']


def open_claim(office, screens, claim_no):
    "The claim's form, found in the list of claims by its number"
    tab = office.open_menu('保险', '理赔', '理赔')
    screens.search(tab, claim_no)
    screens.open_row(tab, claim_no)
    return tab


def claim_row(demo_sql, claim_no, *columns):
    (row,) = demo_sql(
        f"SELECT {', '.join(columns)} FROM insurance_claim WHERE number = %s",
        (claim_no,))
    return row


def test_claims_handler_takes_approves_within_the_sum_insured_and_pays(
        back_office, demo_sql, zhifupay):
    policy = account_security_policy(zhifupay)
    assert policy['sum_insured'] == '1000.00'
    claim_no = filed_claim(zhifupay, policy['policy_no'], '600.00',
        theft_report="账户被盗，已报警")
    office = back_office('claims')
    screens = Screens(office)

    tab = office.open_menu('保险', '理赔', '理赔')
    screens.search(tab, claim_no)
    # the browser runs in UTC: the list shows the stored time in Beijing time
    filed_at = beijing_time(*claim_row(demo_sql, claim_no, 'filed_at'))
    row = tab.locator('.treeview tbody tr', has_text=claim_no)
    expect(row).to_contain_text(filed_at)
    screens.open_row(tab, claim_no)
    expect(screens.shown(tab, 'filed_at')).to_have_value(filed_at)
    expect(screens.shown(tab, 'state')).to_have_text('已提交')

    screens.button(tab, '受理')
    expect(screens.shown(tab, 'state')).to_have_text('审核中')
    screens.page_of(tab, '处理')
    expect(screens.shown(tab, 'approved_amount')).to_have_value('600.00')
    expect(screens.shown(tab, 'remaining_sum_insured')).to_have_value(
        '1,000.00')

    # More than the sum insured: refused in Chinese, nothing stored
    screens.fill_number(tab, 'approved_amount', '5000')
    with office.expect_problem('超过保单剩余保险金额'):
        screens.button(tab, '核定')
        expect(screens.dialog).to_contain_text(
            f"理赔单“{claim_no}”的金额 5000.00 超过保单剩余保险金额 1000.00。")
    office.screenshot('claim-amount-above-sum-insured')
    screens.answer('确定')
    assert claim_row(demo_sql, claim_no, 'state', 'approved_amount') == (
        'under_review', Decimal('600.00'))

    screens.fill_number(tab, 'approved_amount', '800')
    screens.button(tab, '核定')
    expect(screens.shown(tab, 'state')).to_have_text('已核定')
    assert claim_row(demo_sql, claim_no, 'state', 'approved_amount') == (
        'approved', Decimal('800.00'))

    # Paid without the bank's reference: refused, still approved
    with office.expect_problem('支付流水号'):
        screens.button(tab, '标记已赔付')
        screens.confirm('款项是否已支付？')
        expect(screens.dialog).to_contain_text(
            f"标记已赔付前，请填写理赔单“{claim_no}”的支付流水号。")
    screens.answer('确定')
    assert claim_row(demo_sql, claim_no, 'state', 'paid_at') == (
        'approved', None)

    reference = 'PAY-' + uuid.uuid4().hex[:8].upper()
    screens.fill(tab, 'payment_reference', reference)
    screens.button(tab, '标记已赔付')
    screens.confirm('款项是否已支付？')
    expect(screens.shown(tab, 'state')).to_have_text('已赔付')
    state, paid_amount, paid_reference, paid_at = claim_row(demo_sql, claim_no,
        'state', 'paid_amount', 'payment_reference', 'paid_at')
    assert (state, paid_amount, paid_reference) == (
        'paid', Decimal('800.00'), reference)
    expect(screens.shown(tab, 'paid_at')).to_have_value(beijing_time(paid_at))
    office.screenshot('claim-paid')

    log = read_change_log(screens, tab)
    office.screenshot('claim-change-log')
    handler = user_name(demo_sql, 'claims')
    assert [entry[1:] for entry in log] == [
        ("渠道 知付宝", "状态", "", "已提交"),
        (handler, "理赔员", "", handler),
        (handler, "核定金额", "", "600.00"),
        (handler, "状态", "已提交", "审核中"),
        (handler, "核定金额", "600.00", "800.00"),
        (handler, "状态", "审核中", "已核定"),
        (handler, "支付流水号", "", reference),
        (handler, "赔付金额", "", "800.00"),
        (handler, "赔付时间", "", beijing_time(paid_at)),
        (handler, "状态", "已核定", "已赔付"),
        ]
    logged_at = [beijing_time(at) for at, in demo_sql(
            "SELECT l.at FROM insurance_claim_log l "
            "JOIN insurance_claim c ON c.id = l.claim "
            "WHERE c.number = %s ORDER BY l.at, l.id", (claim_no,))]
    assert [entry[0] for entry in log] == logged_at

    screens.button(tab, '结案')
    expect(screens.shown(tab, 'state')).to_have_text('已结案')
    assert claim_row(demo_sql, claim_no, 'state') == ('closed',)


def read_change_log(screens, tab):
    """The rows of the claim's change log as (time, by, field, before,
    after), once it shows; checked read-only as it is shown"""
    screens.page_of(tab, '变更记录')
    history = screens.one2many(tab, '变更记录')
    rows = history.locator('.treeview tbody tr')
    rows.first.wait_for()
    for name in ['新建', '删除']:
        expect(history.locator(f'button[title="{name}"]')).to_be_disabled()
    expect(history.locator('.treeview td.editable')).to_have_count(0)
    # an entry opened shows, and only closes
    rows.last.locator('td').last.dblclick()
    screens.office.wait_idle()
    entry = screens.dialog
    expect(entry.locator('.modal-footer button')).to_have_text(['关闭'])
    expect(entry.locator(
            'input:visible:not([readonly]), textarea:visible:not([readonly])')
        ).to_have_count(0)
    screens.answer('关闭')
    headers = [h.strip() for h in
        history.locator('thead th').all_inner_texts()]
    log = []
    for row in rows.all():
        texts = [cell.strip() for cell in row.locator('td').all_inner_texts()]
        cells = dict(zip(headers, texts, strict=True))
        log.append((f"{cells['日期']} {cells['时间']}",
                *(cells[header] for header in LOG_COLUMNS)))
    return log


def user_name(demo_sql, login):
    (name,), = demo_sql("SELECT name FROM res_user WHERE login = %s", (login,))
    return name


def test_claims_handler_rejects_a_claim_with_a_reason(
        back_office, demo_sql, zhifupay):
    policy = account_security_policy(zhifupay)
    claim_no = filed_claim(zhifupay, policy['policy_no'], '300.00')
    office = back_office('claims')
    screens = Screens(office)
    tab = open_claim(office, screens, claim_no)
    screens.button(tab, '受理')
    expect(screens.shown(tab, 'state')).to_have_text('审核中')
    screens.page_of(tab, '处理')

    # No reason: refused, nothing changes
    with office.expect_problem('拒赔原因'):
        screens.button(tab, '拒赔')
        expect(screens.dialog).to_contain_text(
            f"请选择理赔单“{claim_no}”的拒赔原因。")
    screens.answer('确定')
    assert claim_row(demo_sql, claim_no, 'state', 'rejection_code') == (
        'under_review', None)

    screens.select(tab, 'rejection_code', '材料不足')
    screens.fill(tab, 'rejection_text', "未提供报警回执。", tag='textarea')
    screens.button(tab, '拒赔')
    expect(screens.shown(tab, 'state')).to_have_text('已拒赔')
    office.screenshot('claim-rejected')
    assert claim_row(demo_sql, claim_no,
        'state', 'rejection_code', 'rejection_text', 'paid_amount') == (
        'rejected', 'INSUFFICIENT_EVIDENCE', "未提供报警回执。", None)

    changes = [entry[2:] for entry in read_change_log(screens, tab)]
    assert changes[-3:] == [
        ("拒赔原因", "", "材料不足"),
        ("拒赔说明", "", "未提供报警回执。"),
        ("状态", "审核中", "已拒赔"),
        ]

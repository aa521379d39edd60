"""Customer service (客服) in sao, as a caller is answered: the policy found
by its number or by the policyholder's phone, opened with its claims,
endorsements, renewal and cancellation; the caller's phone and ID number
masked until the unmask button shows them, which is logged; an
account-security claim filed for the caller on the claim form."""
import datetime as dt
from decimal import Decimal

from playwright.sync_api import expect

from trytond.modules.insurance_base.timezone import china_today

from .partner import (
    account_security_policy,
    caller_phone,
    filed_claim,
    lifecycle,
)
from .sao import Screens, beijing_time

ID_NUMBER = '110101199003071234'  # of every policyholder of account_security


def policy_with_a_history(zhifupay):
    """(policy, phone): a policy of a caller, upgraded, claimed on, renewed,
    then cancelled"""
    phone = caller_phone()
    number = account_security_policy(zhifupay, phone)['policy_no']
    today = china_today().isoformat()
    lifecycle(zhifupay, number, 'endorsements',
        {'plan_code': 'ADVANCED', 'effective_date': today})
    filed_claim(zhifupay, number, '200.00')
    lifecycle(zhifupay, number, 'renewal', {})
    return lifecycle(zhifupay, number, 'cancellation',
        {'reason': "客户来电退保", 'effective_date': today}), phone


def list_rows(tab):
    return tab.locator('.treeview tbody tr')


def test_customer_service_finds_a_policy_and_sees_its_history(
        back_office, demo_sql, zhifupay):
    policy, phone = policy_with_a_history(zhifupay)
    number, renewal = policy['policy_no'], policy['renewed_to']
    office = back_office('service')
    screens = Screens(office)
    tab = office.open_menu('保险', '保单', '保单')
    tab.get_by_role('tab', name='全部', exact=True).click()
    office.wait_idle()

    # By the phone as the caller reads it out: both terms of the policy
    screens.search(tab, f'{phone[:3]} {phone[3:7]} {phone[7:]}')
    expect(list_rows(tab)).to_have_count(2)
    expect(list_rows(tab).filter(has_text=number)).to_contain_text('已退保')
    expect(list_rows(tab).filter(has_text=renewal)).to_contain_text('生效')
    # By its number: that one alone
    screens.search(tab, number)
    expect(list_rows(tab)).to_have_count(1)
    office.screenshot('policy-found-by-number')
    screens.open_row(tab, number)

    (policy_id, issued_at, cancelled_at), = demo_sql(
        "SELECT id, issued_at, cancelled_at FROM insurance_policy "
        "WHERE number = %s", (number,))
    expect(screens.shown(tab, 'state')).to_have_text('已退保')
    expect(screens.shown(tab, 'issued_at')).to_have_value(
        beijing_time(issued_at))
    expect(screens.shown(tab, 'plan')).to_have_value('[ADVANCED] 高级保障')
    see_parties(screens, tab, phone)
    see_history(screens, tab, demo_sql, policy, cancelled_at)

    # The caller is who they say: the full numbers, shown once asked
    screens.page_of(tab, '关系人')
    screens.button(tab, '查看完整个人信息')
    expect(screens.shown(tab, 'policyholder_phone')).to_have_value(phone)
    expect(screens.shown(tab, 'policyholder_id_number')).to_have_value(
        ID_NUMBER)
    office.screenshot('policy-unmasked')
    assert demo_sql(
        "SELECT u.login FROM insurance_policy_unmasking m "
        "JOIN res_user u ON u.id = m.user WHERE m.policy = %s",
        (policy_id,)) == [('service',)]


def see_parties(screens, tab, phone):
    "The policyholder's phone and ID number, masked"
    screens.page_of(tab, '关系人')
    expect(screens.shown(tab, 'policyholder_phone')).to_have_value(
        phone[:3] + '****' + phone[-4:])
    expect(screens.shown(tab, 'policyholder_id_number')).to_have_value(
        ID_NUMBER[:3] + '*' * 11 + ID_NUMBER[-4:])
    screens.office.screenshot('policy-masked')


def see_history(screens, tab, demo_sql, policy, cancelled_at):
    "The endorsement, claim, renewal and cancellation, each on its page"
    office = screens.office
    endorsement, = policy['endorsements']
    screens.page_of(tab, '批单')
    row = list_rows(tab).filter(has_text=endorsement['endorsement_no'])
    expect(row).to_contain_text('[BASIC] 基础保障')
    expect(row).to_contain_text('13.50')
    created_at, = demo_sql(
        "SELECT created_at FROM insurance_policy_endorsement "
        "WHERE number = %s", (endorsement['endorsement_no'],))[0]
    expect(row).to_contain_text(beijing_time(created_at))

    screens.page_of(tab, '理赔')
    (claim_no, filed_at), = demo_sql(
        "SELECT c.number, c.filed_at FROM insurance_claim c "
        "JOIN insurance_policy p ON p.id = c.policy WHERE p.number = %s",
        (policy['policy_no'],))
    row = list_rows(tab).filter(has_text=claim_no)
    expect(row).to_contain_text('已提交')
    expect(row).to_contain_text(beijing_time(filed_at))
    office.screenshot('policy-claims')

    screens.page_of(tab, '续保')
    expect(screens.shown(tab, 'renewed_to')).to_have_value(
        policy['renewed_to'])

    screens.page_of(tab, '退保')
    expect(screens.shown(tab, 'cancelled_at')).to_have_value(
        beijing_time(cancelled_at))
    expect(screens.shown(tab, 'refund')).to_have_value(policy['refund'])
    expect(screens.shown(tab, 'cancellation_reason')).to_have_value(
        "客户来电退保")
    office.screenshot('policy-cancellation')


def test_customer_service_files_an_account_security_claim_for_a_caller(
        back_office, demo_sql, zhifupay):
    number = account_security_policy(zhifupay)['policy_no']
    office = back_office('service')
    screens = Screens(office)
    tab = office.open_menu('保险', '理赔', '理赔')
    screens.new(tab)
    screens.many2one(tab, 'policy', number)
    expect(screens.shown(tab, 'line')).to_have_value(
        '[ACCOUNT_SECURITY] 账户安全')
    screens.fill_number(tab, 'claimed_amount', '800')
    add_detail(screens, tab, '盗用报案说明', "账户被盗刷，已向警方报案。")

    # An incident before the policy started: refused, nothing filed
    before = china_today() - dt.timedelta(days=30)
    screens.fill(tab, 'incident_date', before.strftime('%Y-%m-%d'))
    with office.expect_problem('不保障'):
        screens.save(tab)
        expect(screens.dialog).to_contain_text(
            f"保单“{number}”不保障 {before.isoformat()} 发生的事故。")
    screens.answer('确定')
    assert not claims_of(demo_sql, number)

    screens.fill(tab, 'incident_date', china_today().strftime('%Y-%m-%d'))
    screens.save(tab)
    expect(screens.shown(tab, 'number')).not_to_have_value('')
    expect(screens.shown(tab, 'state')).to_have_text('已提交')
    # handling it is the claims handlers' work
    for name in ['受理', '拒赔']:
        expect(tab.get_by_role('button', name=name)).to_be_disabled()
    office.screenshot('claim-filed-by-customer-service')
    claim_no = screens.shown(tab, 'number').input_value()
    assert claims_of(demo_sql, number) == [(
        claim_no, 'submitted', 'back_office', china_today(),
        Decimal('800.00'), {'theft_report': "账户被盗刷，已向警方报案。"})]


def add_detail(screens, tab, label, text):
    "Add the detail labelled label to the claim's details and type text"
    screens.page_of(tab, '理赔资料')
    details = tab.locator('.form-dict').first
    details.locator('button[title="添加"]').click()
    screens.office.wait_idle()
    screens.pick_searched(label)
    entry = details.locator('.dict-row').filter(
        has=screens.page.locator('label', has_text=label)).first
    field = entry.locator('input:visible, textarea:visible').first
    field.fill(text)
    field.press('Tab')
    screens.office.wait_idle()


def claims_of(demo_sql, policy_number):
    return demo_sql(
        "SELECT c.number, c.state, c.source, c.incident_date, "
        "c.claimed_amount, c.details FROM insurance_claim c "
        "JOIN insurance_policy p ON p.id = c.policy WHERE p.number = %s",
        (policy_number,))

"""Customer service and finance with e-policies and invoice requests, in
sao as they use it; the customer's emails caught by the test SMTP server."""
import re
from pathlib import Path

from trytond.modules.insurance_document.tests.smtp import attachments
from trytond.modules.insurance_document.tests.tools import pdf_text

from ..api.applications import return_shipping

INVOICE_PDF = b'%PDF-1.4\n% invoice of the test\n'


def issued_policy(taomall, demo_sql):
    "(id, number) of a new policy of TAOMALL"
    response = taomall.post('/policies', return_shipping())
    assert response.status_code == 201, response.text
    number = response.json()['policy_no']
    (policy_id,), = demo_sql(
        "SELECT id FROM insurance_policy WHERE number = %s", (number,))
    return policy_id, number


def button(tab, name):
    return tab.get_by_role('button', name=name, exact=True)


def modal(office):
    return office.page.locator('.modal.in').last


def test_customer_service_prints_and_emails_the_e_policy(
        back_office, demo_sql, taomall, mail_sink):
    policy_id, number = issued_policy(taomall, demo_sql)
    office = back_office('service')
    tab = office.open_url(f'model/insurance.policy/{policy_id}')

    with office.page.expect_download() as download:
        button(tab, "电子保单").click()  # sao downloads the report at once
    office.wait_idle()
    assert download.value.suggested_filename == f"电子保单-{number}.pdf"
    pdf = Path(download.value.path()).read_bytes()
    assert number in re.sub(r'\s+', '', pdf_text(pdf))

    button(tab, "发送电子保单").click()
    office.wait_idle()
    dialog = modal(office)
    address = dialog.locator('input[name="to"]')
    assert address.input_value() == 'zhangsan@example.com'
    address.fill('caller@example.com')
    office.screenshot('e-policy-email-dialog')
    button(dialog, "发送").click()
    office.wait_idle()

    message = mail_sink.wait_for('caller@example.com', number)
    assert "电子保单" in str(message['Subject'])
    sent, = attachments(message).values()
    assert number in re.sub(r'\s+', '', pdf_text(sent))
    tab.get_by_role('tab', name="邮件记录").click()
    office.wait_idle()
    tab.get_by_text('caller@example.com').wait_for()  # who, when, to whom
    office.screenshot('e-policy-emails-logged')
    assert demo_sql("SELECT recipients FROM ir_email WHERE resource = %s",
        (f'insurance.policy,{policy_id}',)) == [('caller@example.com',)]


def test_invoice_request_from_the_call_to_the_customer_email(
        back_office, demo_sql, taomall, mail_sink, tmp_path):
    policy_id, number = issued_policy(taomall, demo_sql)

    # Customer service records the caller's request on the policy
    service = back_office('service')
    tab = service.open_url(f'model/insurance.policy/{policy_id}')
    button(tab, "开票申请").click()
    service.wait_idle()
    requests = service.tab
    requests.locator('[title="新建"]').first.click()
    service.wait_idle()
    requests.locator('select[name="title_type"]').select_option(label="单位")
    requests.locator('input[name="title"]').fill("示例科技有限公司")
    requests.locator('input[name="tax_number"]').fill('91310000MA1FL0000X')
    requests.locator('input[name="email"]').fill('buyer@example.com')
    requests.locator('[title="保存"]').first.click()
    service.wait_idle()
    service.screenshot('invoice-request-recorded')
    (request_id, state, amount), = demo_sql(
        "SELECT id, state, amount FROM insurance_invoice_request "
        "WHERE policy = %s", (policy_id,))
    assert state == 'requested' and amount > 0

    # Finance finds it in the queue and issues it with the invoice's PDF
    finance = back_office('finance')
    queue = finance.open_menu('保险', '保单', '开票申请')
    queue.locator('.treeview tbody tr', has_text=number).dblclick()
    finance.wait_idle()
    button(queue, "开票").click()
    finance.wait_idle()
    dialog = modal(finance)
    invoice = tmp_path / 'fapiao.pdf'
    invoice.write_bytes(INVOICE_PDF)
    dialog.locator('input[type="file"]').set_input_files(invoice)
    finance.wait_idle()
    number_field = dialog.locator('input[name="invoice_number"]')
    number_field.fill('No.20261201')
    number_field.press('Tab')  # sao takes a typed value when it is left
    finance.screenshot('invoice-issue-dialog')
    button(dialog, "开票").click()
    finance.wait_idle()
    finance.screenshot('invoice-issued')

    assert demo_sql(
        "SELECT state, invoice_number, invoice_file FROM "
        "insurance_invoice_request WHERE id = %s", (request_id,)) == [
        ('issued', 'No.20261201', INVOICE_PDF)]
    message = mail_sink.wait_for('buyer@example.com', number)
    assert "发票" in str(message['Subject'])
    assert attachments(message) == {'fapiao.pdf': INVOICE_PDF}

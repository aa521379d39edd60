"""The e-policy PDF: what it prints, as text copied out of it and as its
QR code scanned."""
import datetime as dt
import re

import pytest

from trytond import config
from trytond.modules.insurance_base.timezone import china_today, in_china
from trytond.modules.insurance_document.exceptions import (
    DocumentError,
    EmailAddressError,
)
from trytond.modules.insurance_document.policy import verify
from trytond.modules.insurance_document.policy_document import mask_id_number
from trytond.modules.insurance_document.verification import (
    is_genuine,
    qr_payload,
    read_payload,
    verification_code,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .smtp import attachments, deliver, free_port
from .tools import (
    BUYER_ID,
    account_policy,
    e_policy,
    insurer,
    pdf_fonts,
    pdf_text,
    qr_codes,
)


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_document')


def flat(text):
    "The text without the spaces and line breaks of its layout"
    return re.sub(r'\s+', '', text)


@with_transaction()
def test_e_policy_prints_the_policy_in_chinese():
    insurer()
    policy = account_policy()

    text = flat(pdf_text(e_policy(policy)))

    for printed in ["示例财产保险股份有限公司", "电子保单", policy.number,
            "账户安全险", "基础保障", "张三", "居民身份证",
            "保险标的", "支付账户", "A1", "账户盗用损失", "1,000.00", "3.00",
            "投保须知", "同一支付账户在同一保险期间内仅能投保一份",
            "保险条款", "第一条保险合同构成", "400-000-0000",
            policy.verification_code]:
        assert printed in text
    start = in_china(policy.starts_at).strftime('%Y-%m-%d%H:%M')
    end = in_china(policy.ends_at).strftime('%Y-%m-%d%H:%M')
    assert f"自{start}起至{end}止（北京时间）" in text


@with_transaction()
def test_e_policy_masks_id_numbers_and_embeds_its_fonts():
    insurer()
    pdf = e_policy(account_policy())

    text = flat(pdf_text(pdf))
    assert BUYER_ID not in text
    assert mask_id_number(BUYER_ID) == '110101********1234'
    assert '110101********1234' in text
    fonts = pdf_fonts(pdf).splitlines()[2:]
    assert fonts and all(' yes yes yes ' in f for f in fonts), fonts


@with_transaction()
def test_qr_code_holds_the_number_and_the_verification_code():
    insurer()
    policy = account_policy()

    codes = qr_codes(e_policy(policy))

    assert codes == [qr_payload(policy.number, policy.verification_code)]
    number, code = read_payload(codes[0])
    assert (number, code) == (policy.number, policy.verification_code)
    assert verify(number, code)[0] == policy


@with_transaction()
def test_document_of_an_endorsed_policy_shows_it_as_it_is_now():
    Endorsement = Pool().get('insurance.policy.endorsement')
    insurer()
    policy = account_policy()
    endorsement = Endorsement.endorse(policy, 'ADVANCED', china_today())

    text = flat(pdf_text(e_policy(endorsement.policy)))

    assert "高级保障" in text
    assert "10,000.00" in text
    assert "批改记录" in text and endorsement.number in text
    assert "基础保障" in text  # the plan before, in the endorsement
    assert "保险费合计（含批改）12.00" in text


@with_transaction()
def test_document_of_a_cancelled_policy_shows_the_refund():
    insurer()
    policy = account_policy()
    policy = policy.cancel_from(
        china_today() + dt.timedelta(days=30), "客户申请")

    text = flat(pdf_text(e_policy(policy)))

    assert "已退保" in text
    assert f"退保退费（退保生效日{policy.cancellation_date}）" in text
    assert f"{policy.refund}" in text


@with_transaction()
def test_no_document_before_the_insurer_is_configured():
    Configuration = Pool().get('insurance.document.configuration')
    # As in a new database: the module stores the secret, not the insurer
    table = Configuration.__table__()
    Transaction().connection.cursor().execute(
        *table.update([table.insurer_name], ['']))

    with pytest.raises(DocumentError):
        e_policy(account_policy())


@with_transaction()
def test_staff_restyle_the_document_by_uploading_a_template():
    ActionReport = Pool().get('ir.action.report')
    insurer()
    policy = account_policy()
    report, = ActionReport.search(
        [('report_name', '=', 'insurance.policy.document')])
    template = report.report_content.replace(
        "电子保单</para>".encode(), "电子保险单（新版式）</para>".encode())
    report.report_content_custom = template
    report.save()

    assert "电子保险单（新版式）" in flat(pdf_text(e_policy(policy)))

    for broken, why in [
            (b'<document><para>unclosed</document>', 'mismatched tag'),
            (b'<document><table/></document>', '<table> has no <row>'),
            (b'<document><para style="huge">x</para></document>',
                'style "huge" is not declared'),
            ]:
        report.report_content_custom = broken
        report.save()
        with pytest.raises(DocumentError) as error:
            e_policy(policy)
        assert why in error.value.message


def test_verification_code_depends_on_the_secret_and_the_number():
    code = verification_code('secret', 'P1')

    assert re.fullmatch(r'[A-Z2-7]{4}(-[A-Z2-7]{4}){3}', code)
    assert code == verification_code('secret', 'P1')
    assert code != verification_code('secret', 'P2')
    assert code != verification_code('another secret', 'P1')
    assert is_genuine('secret', 'P1', code.lower().replace('-', ' '))
    assert not is_genuine('secret', 'P2', code)
    assert read_payload('policy_no=P1&code=' + code) == ('P1', code)
    assert read_payload('something else') is None


@with_transaction()
def test_verification_tells_genuine_from_forged_documents():
    insurer()
    policy = account_policy()
    other = account_policy(account='A2')

    assert verify(policy.number, policy.verification_code)[0] == policy
    forged, verdict = verify(policy.number, other.verification_code)
    assert forged is None
    assert policy.number in verdict
    unknown, _ = verify('P00000000', policy.verification_code)
    assert unknown is None


def test_masking_keeps_a_third_at_most():
    assert mask_id_number('E12345678') == 'E12****78'
    assert mask_id_number('AB') == '**'
    assert mask_id_number('') == ''


@with_transaction()
def test_emailed_e_policy_reaches_the_smtp_server_and_is_logged(
        mail_server):
    Email = Pool().get('ir.email')
    insurer()
    policy = account_policy()

    sent = policy.send_document('"张三" <zhangsan@example.com>')
    deliver()  # what the commit does

    message = mail_server.wait_for('zhangsan@example.com', policy.number)
    pdf, = attachments(message).values()
    assert policy.number in flat(pdf_text(pdf))
    logged, = Email.search([('resource', '=', str(policy))])
    assert logged == sent
    assert logged.recipients == 'zhangsan@example.com'
    assert logged.user and logged.at


@with_transaction()
def test_email_to_a_wrong_address_is_refused_and_not_logged():
    Email = Pool().get('ir.email')
    insurer()
    policy = account_policy()

    with pytest.raises(EmailAddressError):
        policy.send_document('zhangsan at example')
    assert not Email.search([('resource', '=', str(policy))])


@with_transaction()
def test_unreachable_mail_server_fails_the_sending(mail_server):
    insurer()
    policy = account_policy()
    config.set('email', 'uri', f'smtp://127.0.0.1:{free_port()}')

    policy.send_document('zhangsan@example.com')
    with pytest.raises(OSError):
        deliver()  # the commit fails, and trytond rolls back: nothing kept
    # The test's transaction ends with a commit that connects again
    config.set('email', 'uri', mail_server.uri)

"""Invoice requests: recorded on a policy, invoiced once, reduced by
refunds, issued or refused by finance, exported by month."""
import datetime as dt
import io
import time
from contextlib import contextmanager
from decimal import Decimal

import openpyxl
import pytest

from trytond.exceptions import UserError
from trytond.model.exceptions import (
    SQLConstraintError,
    ValidationError,
)
from trytond.modules.insurance_base.timezone import china_today
from trytond.modules.insurance_document.tests.smtp import (
    attachments,
    deliver,
)
from trytond.modules.insurance_document.tests.tools import (
    account_policy,
    insurer,
)
from trytond.modules.insurance_invoice.exceptions import InvoiceRequestError
from trytond.modules.insurance_invoice.invoice_export import requests_workbook
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

TAX_NUMBER = '91310000MA1FL0000X'
PDF = b'%PDF-1.4 invoice'


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_invoice')


@pytest.fixture(autouse=True)
def mail(mail_server):
    "Where the emails to customers go: a test's end commits and sends"
    return mail_server


def request_on(policy, **values):
    InvoiceRequest = Pool().get('insurance.invoice.request')
    request, = InvoiceRequest.create([{
                'policy': policy.id, 'title': "张三",
                'email': 'zhangsan@example.com', **values}])
    return request


def endorse(policy, plan, days=0):
    Endorsement = Pool().get('insurance.policy.endorsement')
    return Endorsement.endorse(
        policy, plan, china_today() + dt.timedelta(days=days))


def user_in(role):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{'login': f'{role}-{time.monotonic_ns()}',
                'name': role, 'groups': [('add', [ModelData.get_id(
                                'insurance_product', f'group_{role}')])]}])
    return user


@contextmanager
def as_user(user):
    "Act as user does through the back office: with access checks"
    transaction = Transaction()
    with transaction.set_user(user.id), transaction.set_context(
            _check_access=True):
        yield


@with_transaction()
def test_request_records_what_the_customer_paid():
    policy = account_policy()

    request = request_on(policy, amount=Decimal('999'), state='issued')

    assert request.number.startswith(f'FP{china_today():%Y%m%d}')
    assert (request.state, request.amount, request.currency) == (
        'requested', Decimal('3.00'), 'CNY')
    assert request.requested_by.id == Transaction().user
    assert request.requested_at
    assert policy.invoice_requests == (request,)


@with_transaction()
def test_a_policy_is_invoiced_once():
    policy = account_policy()
    request_on(policy)

    with pytest.raises(SQLConstraintError):
        request_on(policy)


@with_transaction()
def test_an_issued_invoice_is_the_last():
    InvoiceRequest = Pool().get('insurance.invoice.request')
    policy = account_policy()
    InvoiceRequest.cancel([request_on(policy)])
    request_on(policy).issue_with(
        'No.001', PDF, 'invoice.pdf', Decimal('3.00'))

    with pytest.raises(SQLConstraintError):
        request_on(policy)


@with_transaction()
def test_refunds_reduce_what_can_be_invoiced():
    policy = account_policy()
    upgrade = endorse(policy, 'ADVANCED')  # +9.00 for the whole term
    downgrade = endorse(upgrade.policy, 'BASIC', days=100)
    assert downgrade.premium_delta < 0
    policy = downgrade.policy

    request = request_on(policy)

    assert request.amount == (
        Decimal('3.00') + upgrade.premium_delta + downgrade.premium_delta)

    cancelled = account_policy(account='A2').cancel_from(
        china_today() + dt.timedelta(days=100), "客户申请")
    assert request_on(cancelled).amount == Decimal('3.00') - cancelled.refund


@with_transaction()
def test_a_policy_refunded_in_full_has_nothing_to_invoice():
    policy = account_policy().cancel_from(china_today(), "客户申请")
    assert policy.refund == policy.premium

    with pytest.raises(InvoiceRequestError):
        request_on(policy)


@with_transaction()
def test_finance_issues_with_the_invoice_and_the_customer_is_emailed(mail):
    Email = Pool().get('ir.email')
    insurer()
    request = request_on(account_policy(), title_type='company',
        title="示例科技有限公司", tax_number=TAX_NUMBER)

    request.issue_with('No.12345678', PDF, 'fapiao.pdf', Decimal('3.00'),
        shipment_reference=None)

    assert request.state == 'issued'
    assert (request.invoice_number, request.invoice_file) == (
        'No.12345678', PDF)
    assert request.issued_by.id == Transaction().user and request.issued_at
    email, = Email.search([('resource', '=', str(request))])
    assert email.recipients == 'zhangsan@example.com'
    assert request.policy.number in email.subject
    deliver()  # what the commit does
    received = mail.wait_for('zhangsan@example.com', request.policy.number)
    assert attachments(received) == {'fapiao.pdf': PDF}
    with pytest.raises(InvoiceRequestError):
        request.refuse_with("too late")


@with_transaction()
def test_issue_is_refused_when_a_refund_came_in_meanwhile():
    request = request_on(account_policy())
    request.policy.cancel_from(
        china_today() + dt.timedelta(days=100), "客户申请")

    with pytest.raises(InvoiceRequestError) as error:
        request.issue_with('No.1', PDF, 'invoice.pdf', Decimal('3.00'))
    assert request.state == 'requested'
    assert str(request.policy.invoiceable_amount) in error.value.message


@with_transaction()
def test_refused_request_tells_the_customer_why():
    Email = Pool().get('ir.email')
    request = request_on(account_policy())

    request.refuse_with("保单尚未缴费")

    assert (request.state, request.refusal_reason) == (
        'refused', "保单尚未缴费")
    assert request.refused_by and request.refused_at
    email, = Email.search([('resource', '=', str(request))])
    assert "保单尚未缴费" in email.body
    request_on(request.policy)  # a refused request frees the policy


@with_transaction()
def test_customer_details_are_checked():
    # Each try on its own policy: a refused record stays in the transaction
    for number, values in enumerate([
            {'title_type': 'company'},
            {'title_type': 'company', 'tax_number': '12345'},
            {'email': None},
            {'email': 'not an address'},
            {'delivery': 'post', 'email': None},
            ]):
        with pytest.raises(ValidationError):
            request_on(account_policy(account=f'V{number}'), **values)
    posted = request_on(account_policy(), delivery='post', email=None,
        postal_address="上海市浦东新区示例路 1 号 张三 13800138000")
    assert posted.delivery == 'post'


@with_transaction()
def test_staff_change_only_the_customer_details_of_a_waiting_request():
    InvoiceRequest = Pool().get('insurance.invoice.request')
    request = request_on(account_policy())
    service = user_in('customer_service')

    with as_user(service):
        InvoiceRequest.write([InvoiceRequest(request.id)], {'title': "李四"})
        for values in [{'amount': Decimal('1')}, {'state': 'issued'},
                {'invoice_number': 'X'}]:
            with pytest.raises(UserError):
                InvoiceRequest.write([InvoiceRequest(request.id)], values)
        with pytest.raises(UserError):
            InvoiceRequest.delete([InvoiceRequest(request.id)])
    request.refuse_with("重复申请")
    with as_user(service):
        with pytest.raises(InvoiceRequestError):
            InvoiceRequest.write(
                [InvoiceRequest(request.id)], {'title': "王五"})


@with_transaction()
def test_who_may_do_what():
    pool = Pool()
    InvoiceRequest = pool.get('insurance.invoice.request')
    ModelAccess = pool.get('ir.model.access')
    request = request_on(account_policy())

    for role, create, issue in [('customer_service', True, False),
            ('finance', False, True), ('underwriter', False, False)]:
        with as_user(user_in(role)):
            assert ModelAccess.check(InvoiceRequest.__name__, 'create',
                raise_exception=False) == create
            if issue:
                InvoiceRequest.issue([InvoiceRequest(request.id)])
            else:
                with pytest.raises(UserError):
                    InvoiceRequest.issue([InvoiceRequest(request.id)])


@with_transaction()
def test_month_export_lists_the_requests_recorded_in_it():
    InvoiceRequest = Pool().get('insurance.invoice.request')
    issued = request_on(account_policy(), title_type='company',
        title="示例科技有限公司", tax_number=TAX_NUMBER)
    issued.issue_with('No.7', PDF, 'fapiao.pdf', Decimal('3.00'))
    waiting = request_on(account_policy(account='A2'))
    last_month = request_on(account_policy(account='A3'))
    InvoiceRequest.write([last_month], {
            'requested_at': issued.requested_at - dt.timedelta(days=40)})

    book = openpyxl.load_workbook(
        io.BytesIO(requests_workbook(f'{china_today():%Y-%m}')))

    sheet, = book.worksheets
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("申请单号", "申请时间", "保单号")
    numbers = {row[0]: row for row in rows[1:]}
    assert set(numbers) == {issued.number, waiting.number}
    row = numbers[issued.number]
    assert row[4:8] == ("单位", "示例科技有限公司", TAX_NUMBER, 3.0)
    assert (row[12], row[13]) == ("已开票", 'No.7')

"""The month's invoice requests as XLSX, for finance, beside the channel
statements: one row a request recorded that month (China time)."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.insurance_base.timezone import china_today
from trytond.modules.insurance_report.period import is_period, month_bounds
from trytond.modules.insurance_report.xlsx import Column, Workbook
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import InvoiceRequestError

COLUMNS = [Column("申请单号"), Column("申请时间", 'timestamp'),
    Column("保单号"), Column("渠道"), Column("抬头类型"), Column("发票抬头"),
    Column("纳税人识别号"), Column("开票金额", 'money'), Column("币种"),
    Column("交付方式"), Column("电子邮箱"), Column("邮寄地址"),
    Column("状态"), Column("发票号码"), Column("开票时间", 'timestamp'),
    Column("开票人"), Column("快递单号"), Column("拒绝原因")]
WORDS = {
    'individual': "个人", 'company': "单位", 'email': "电子邮件",
    'post': "邮寄", 'requested': "待开票", 'issued': "已开票",
    'refused': "已拒绝", 'cancelled': "已撤销",
    }


class ExportStart(ModelView):
    "Export Invoice Requests"
    __name__ = 'insurance.invoice.request.export.start'
    __string__ = "Export Invoice Requests"

    period = fields.Char("Period", required=True,
        help="The month the requests were recorded, as YYYY-MM (China "
        "time).")

    @classmethod
    def default_period(cls):
        return f'{china_today():%Y-%m}'


class Export(Wizard):
    "Export Invoice Requests"
    __name__ = 'insurance.invoice.request.export'

    start = StateView('insurance.invoice.request.export.start',
        'insurance_invoice.export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    # The file answer of the statistics export serves here too
    result = StateView('insurance.statistics.export.result',
        'insurance_report.statistics_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        period = check_period(self.start.period)
        self.result.file = requests_workbook(period)
        self.result.filename = f'invoice-requests-{period}.xlsx'
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}


def check_period(period):
    if not is_period(period):
        raise InvoiceRequestError(gettext(
                'insurance_invoice.msg_export_period_invalid',
                period=period))
    return period


def requests_workbook(period):
    "The bytes of the XLSX of the invoice requests recorded in period"
    InvoiceRequest = Pool().get('insurance.invoice.request')
    start, end = month_bounds(period)
    requests = InvoiceRequest.search([
            ('requested_at', '>=', start),
            ('requested_at', '<', end),
            ], order=[('requested_at', 'ASC'), ('id', 'ASC')])
    workbook = Workbook()
    sheet = workbook.sheet(f"开票申请 {period}", COLUMNS)
    sheet.write_all(row(r) for r in requests)
    sheet.close()
    return workbook.close()


def row(request):
    return (request.number, request.requested_at, request.policy.number,
        request.policy.channel.rec_name, WORDS[request.title_type],
        request.title, request.tax_number, request.amount, request.currency,
        WORDS[request.delivery], request.email, request.postal_address,
        WORDS[request.state], request.invoice_number, request.issued_at,
        request.issued_by.rec_name if request.issued_by else None,
        request.shipment_reference, request.refusal_reason)

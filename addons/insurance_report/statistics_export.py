"""Export of the business statistics as XLSX: a wizard asking for the period
grouping and the filters, answering with the file."""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .statistics import PERIODS
from .xlsx import Column, Workbook

COLUMNS = [Column("期间", 'date'), Column("渠道"), Column("产品"),
    Column("方案"), Column("出单件数", 'integer'), Column("保费", 'money'),
    Column("退保件数", 'integer'), Column("退费", 'money'),
    Column("报案件数", 'integer'), Column("赔付件数", 'integer'),
    Column("赔付金额", 'money'), Column("赔付率", 'rate')]


class StatisticsExportStart(ModelView):
    __name__ = 'insurance.statistics.export.start'
    __string__ = "Export Business Statistics"

    period = fields.Selection(PERIODS, "Period", required=True)
    from_date = fields.Date("From Date", required=True,
        domain=[If(Eval('to_date'), ('from_date', '<=', Eval('to_date')),
                ())])
    to_date = fields.Date("To Date", required=True)
    channel = fields.Many2One('insurance.channel', "Channel")
    product = fields.Many2One('insurance.product', "Product")
    plan = fields.Many2One('insurance.plan', "Plan")

    @classmethod
    def default_period(cls):
        return 'month'

    def domain(self):
        domain = [
            ('period_start', '>=', self.from_date),
            ('period_start', '<=', self.to_date),
            ]
        for name in ['channel', 'product', 'plan']:
            if getattr(self, name):
                domain.append((name, '=', getattr(self, name).id))
        return domain


class StatisticsExportResult(ModelView):
    __name__ = 'insurance.statistics.export.result'
    __string__ = "Export Business Statistics"

    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class StatisticsExport(Wizard):
    "Export Business Statistics"
    __name__ = 'insurance.statistics.export'

    start = StateView('insurance.statistics.export.start',
        'insurance_report.statistics_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('insurance.statistics.export.result',
        'insurance_report.statistics_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        self.result.file = statistics_workbook(
            self.start.period, self.start.domain())
        self.result.filename = (f'statistics-{self.start.period}-'
            f'{self.start.from_date}-{self.start.to_date}.xlsx')
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}


def statistics_workbook(period, domain):
    "The bytes of the XLSX of the statistics per period matching domain"
    Statistics = Pool().get('insurance.statistics')
    with Transaction().set_context(period=period):
        rows = Statistics.search(domain, order=[
                ('period_start', 'ASC'), ('channel', 'ASC'),
                ('product', 'ASC'), ('plan', 'ASC')])
        workbook = Workbook()
        sheet = workbook.sheet("业务统计", COLUMNS)
        sheet.write_all((r.period_start, r.channel.rec_name,
                r.product.rec_name, r.plan.rec_name, r.policies_issued,
                r.premium, r.cancellations, r.refunds, r.claims_reported,
                r.claims_paid, r.paid_amount, r.loss_ratio) for r in rows)
        sheet.close()
    return workbook.close()

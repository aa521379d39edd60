"""Finance's side of an invoice request: issue it with the invoice, or
refuse it with a reason."""
from trytond.model import ModelView, fields
from trytond.modules.insurance_base.money import MONEY_DIGITS
from trytond.wizard import Button, StateTransition, StateView, Wizard


class IssueStart(ModelView):
    "Issue Invoice"
    __name__ = 'insurance.invoice.request.issue.start'
    __string__ = "Issue Invoice"

    request = fields.Many2One(
        'insurance.invoice.request', "Request", readonly=True)
    amount = fields.Numeric("Amount", digits=MONEY_DIGITS, readonly=True,
        help="What the policy can be invoiced now: the invoice is for "
        "this amount.")
    invoice_number = fields.Char("Invoice Number", required=True, strip=True)
    invoice_file = fields.Binary("Invoice PDF", filename='invoice_filename',
        required=True)
    invoice_filename = fields.Char("Invoice File Name")
    shipment_reference = fields.Char("Shipment Reference", strip=True,
        help="For a posted invoice, the courier's tracking number.")


class Issue(Wizard):
    "Issue Invoice"
    __name__ = 'insurance.invoice.request.issue'

    start = StateView('insurance.invoice.request.issue.start',
        'insurance_invoice.issue_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Issue", 'issue', 'tryton-ok', default=True),
            ])
    issue = StateTransition()

    def default_start(self, fields):
        request = self.record
        request.check_requested()
        return {
            'request': request.id,
            'amount': request.policy.invoiceable_amount,
            }

    def transition_issue(self):
        start = self.start
        self.record.issue_with(start.invoice_number, start.invoice_file,
            start.invoice_filename or f'{start.invoice_number}.pdf',
            start.amount, start.shipment_reference)
        return 'end'


class RefuseStart(ModelView):
    "Refuse Invoice Request"
    __name__ = 'insurance.invoice.request.refuse.start'
    __string__ = "Refuse Invoice Request"

    request = fields.Many2One(
        'insurance.invoice.request', "Request", readonly=True)
    reason = fields.Text("Reason", required=True,
        help="Told to the customer by email.")


class Refuse(Wizard):
    "Refuse Invoice Request"
    __name__ = 'insurance.invoice.request.refuse'

    start = StateView('insurance.invoice.request.refuse.start',
        'insurance_invoice.refuse_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Refuse", 'refuse', 'tryton-ok', default=True),
            ])
    refuse = StateTransition()

    def default_start(self, fields):
        self.record.check_requested()
        return {'request': self.record.id}

    def transition_refuse(self):
        self.record.refuse_with(self.start.reason)
        return 'end'

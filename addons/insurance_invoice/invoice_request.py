"""Invoice requests (开票申请): a customer asks for the invoice of what they
paid for a policy; customer service records it, finance issues it (number
and PDF) or refuses it (reason), and the customer is emailed.

A policy's paid premium is invoiced once: at most one request of a policy
is requested or issued at a time, which a unique index enforces even when
two requests arrive at once. The amount is what was paid and not refunded:
the premium, plus the endorsements' differences (negative ones are
refunds), less the cancellation refund. It is computed by the server when
the request is recorded, and again when it is issued, under the policy's
row lock, which cancellations and endorsements take too.
"""
import re

from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import Exclude, Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.insurance_base.money import MONEY_DIGITS
from trytond.modules.insurance_base.timezone import china_today, utcnow
from trytond.modules.insurance_document import mail
from trytond.modules.insurance_document.exceptions import EmailAddressError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import InvoiceRequestError, InvoiceRequestValidationError

NUMBER_SEQUENCE = 'insurance_invoice_request_number_seq'
# 统一社会信用代码 (18) or an older taxpayer number (15, 17 or 20)
TAX_NUMBER = re.compile(r'[0-9A-Z]{15}|[0-9A-Z]{17,18}|[0-9A-Z]{20}\Z')
OPEN_STATES = ('requested', 'issued')
# What customer service records and may correct while the request waits
CUSTOMER_FIELDS = {
    'title_type', 'title', 'tax_number', 'delivery', 'email',
    'postal_address'}
REQUESTED = {'readonly': Eval('state') != 'requested'}


class InvoiceRequest(Workflow, ModelSQL, ModelView):
    "Invoice Request"
    __name__ = 'insurance.invoice.request'
    __string__ = "Invoice Request"
    _rec_name = 'number'

    number = fields.Char("Number", readonly=True)
    policy = fields.Many2One('insurance.policy', "Policy", required=True,
        ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    channel = fields.Function(fields.Many2One(
            'insurance.channel', "Channel"), 'get_channel')
    amount = fields.Numeric("Amount", digits=MONEY_DIGITS, readonly=True,
        help="The premium paid and not refunded, computed by the system.")
    currency = fields.Char("Currency", readonly=True)
    title_type = fields.Selection([
            ('individual', "Individual"),
            ('company', "Company"),
            ], "Title Type", required=True, states=REQUESTED)
    title = fields.Char("Invoice Title", required=True, strip=True,
        states=REQUESTED,
        help="The name printed on the invoice (发票抬头).")
    tax_number = fields.Char("Tax Number", strip=True,
        states={
            'readonly': REQUESTED['readonly'],
            'required': Eval('title_type') == 'company',
            },
        help="The buyer's taxpayer number (纳税人识别号), for a company.")
    delivery = fields.Selection([
            ('email', "Email"),
            ('post', "Post"),
            ], "Delivery", required=True, states=REQUESTED)
    email = fields.Char("Email", strip=True,
        states={
            'readonly': REQUESTED['readonly'],
            'required': Eval('delivery') == 'email',
            },
        help="Where the invoice is sent, and the customer told.")
    postal_address = fields.Text("Postal Address",
        states={
            'readonly': REQUESTED['readonly'],
            'required': Eval('delivery') == 'post',
            'invisible': Eval('delivery') != 'post',
            },
        help="Recipient, phone and address for the courier (到付).")
    state = fields.Selection([
            ('requested', "Requested"),
            ('issued', "Issued"),
            ('refused', "Refused"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    requested_by = fields.Many2One('res.user', "Requested By", readonly=True)
    requested_at = fields.Timestamp("Requested At", readonly=True)
    invoice_number = fields.Char("Invoice Number", readonly=True)
    invoice_file = fields.Binary("Invoice PDF", filename='invoice_filename',
        readonly=True)
    invoice_filename = fields.Char("Invoice File Name", readonly=True)
    shipment_reference = fields.Char("Shipment Reference", readonly=True,
        help="The courier's tracking number of a posted invoice.")
    issued_by = fields.Many2One('res.user', "Issued By", readonly=True)
    issued_at = fields.Timestamp("Issued At", readonly=True)
    refusal_reason = fields.Text("Refusal Reason", readonly=True)
    refused_by = fields.Many2One('res.user', "Refused By", readonly=True)
    refused_at = fields.Timestamp("Refused At", readonly=True)
    cancelled_by = fields.Many2One('res.user', "Cancelled By", readonly=True)
    cancelled_at = fields.Timestamp("Cancelled At", readonly=True)
    emails = fields.One2Many('ir.email', 'resource', "Emails", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # Invoiced once: one open request per policy; of two recorded
            # at the same moment, the second waits for the first and fails
            ('one_open_per_policy', Exclude(t, (t.policy, Equal),
                    where=t.state.in_(OPEN_STATES)),
                'insurance_invoice.msg_request_already_open'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'requested'),
                Index(t, (t.requested_at, Index.Range())),
                Index(t, (t.number, Index.Equality())),
                })
        cls._order = [('requested_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('requested', 'issued'),
            ('requested', 'refused'),
            ('requested', 'cancelled'),
            }
        cls._buttons.update({
                'issue': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-delete',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        transaction = Transaction()
        if not transaction.database.sequence_exist(
                transaction.connection, NUMBER_SEQUENCE):
            transaction.database.sequence_create(
                transaction.connection, NUMBER_SEQUENCE)

    @classmethod
    def default_state(cls):
        return 'requested'

    @classmethod
    def default_title_type(cls):
        return 'individual'

    @classmethod
    def default_delivery(cls):
        return 'email'

    def get_channel(self, name):
        return self.policy.channel.id

    @fields.depends('policy', 'title', 'email')
    def on_change_policy(self):
        if self.policy:
            self.title = self.title or self.policy.policyholder_name
            self.email = self.email or self.policy.policyholder_email

    @classmethod
    def next_number(cls):
        "FP, the date in China and a sequence that never blocks"
        transaction = Transaction()
        value = transaction.database.sequence_nextval(
            transaction.connection, NUMBER_SEQUENCE)
        return f'FP{china_today():%Y%m%d}{value:06d}'

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if mode == 'delete':
            raise InvoiceRequestError(gettext(
                    'insurance_invoice.msg_request_delete'))
        if mode == 'write' and external:
            if set(values) - CUSTOMER_FIELDS:
                raise InvoiceRequestError(gettext(
                        'insurance_invoice.msg_request_workflow_fields'))
            for request in requests:
                request.check_requested()

    def check_requested(self):
        if self.state != 'requested':
            raise InvoiceRequestError(gettext(
                    'insurance_invoice.msg_request_not_requested',
                    request=self.rec_name, state=self.state_string))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # Whatever a client sends, these are the server's
            values.update({
                    'number': cls.next_number(),
                    'state': 'requested',
                    'requested_by': Transaction().user,
                    'requested_at': utcnow(),
                    })
            values['amount'], values['currency'] = invoiceable(
                values.get('policy'))
            for name in ['invoice_number', 'invoice_file',
                    'invoice_filename', 'shipment_reference', 'issued_by',
                    'issued_at', 'refusal_reason', 'refused_by',
                    'refused_at', 'cancelled_by', 'cancelled_at']:
                values.pop(name, None)
        return values

    @classmethod
    def validate_fields(cls, requests, field_names):
        super().validate_fields(requests, field_names)
        for request in requests:
            request.check_delivery()
            request.check_tax_number()

    def check_delivery(self):
        if self.email:
            try:
                mail.checked_address(self.email)
            except EmailAddressError as error:
                raise InvoiceRequestValidationError(error.message) from error
        if self.delivery == 'email' and not self.email:
            raise InvoiceRequestValidationError(gettext(
                    'insurance_invoice.msg_request_email_required'))
        if self.delivery == 'post' and not (self.postal_address or '').strip():
            raise InvoiceRequestValidationError(gettext(
                    'insurance_invoice.msg_request_address_required'))

    def check_tax_number(self):
        if self.title_type == 'company' and not TAX_NUMBER.match(
                self.tax_number or ''):
            raise InvoiceRequestValidationError(gettext(
                    'insurance_invoice.msg_request_tax_number_invalid',
                    tax_number=self.tax_number or ''))

    # Workflow

    @classmethod
    @ModelView.button_action('insurance_invoice.wizard_issue')
    def issue(cls, requests):
        pass

    @classmethod
    @ModelView.button_action('insurance_invoice.wizard_refuse')
    def refuse(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requests):
        for request in requests:
            request.cancelled_by = Transaction().user
            request.cancelled_at = utcnow()
        cls.save(requests)

    def issue_with(self, invoice_number, file, filename, amount,
            shipment_reference=None):
        """Mark the request issued with the invoice finance made for
        amount, email the customer

        Refused when the policy's amount changed since finance saw it (a
        refund meanwhile)."""
        self.check_requested()
        current, _ = invoiceable(self.policy.id)
        if current != amount:
            raise InvoiceRequestError(gettext(
                    'insurance_invoice.msg_request_amount_changed',
                    request=self.rec_name, amount=current))
        self.amount = amount
        self.invoice_number = invoice_number
        self.invoice_file, self.invoice_filename = file, filename
        self.shipment_reference = shipment_reference
        self.issued_by, self.issued_at = Transaction().user, utcnow()
        self.save()
        self.__class__._issued([self])
        if self.email:
            mail.send(self, self.email,
                'insurance_invoice.msg_issued_email_subject',
                'insurance_invoice.msg_issued_email_body',
                files=[(filename, file)], **self.email_variables())

    @classmethod
    @Workflow.transition('issued')
    def _issued(cls, requests):
        pass

    def refuse_with(self, reason):
        "Mark the request refused for reason, email the customer"
        self.check_requested()
        self.refusal_reason = reason
        self.refused_by, self.refused_at = Transaction().user, utcnow()
        self.save()
        self.__class__._refused([self])
        if self.email:
            mail.send(self, self.email,
                'insurance_invoice.msg_refused_email_subject',
                'insurance_invoice.msg_refused_email_body',
                reason=reason, **self.email_variables())

    @classmethod
    @Workflow.transition('refused')
    def _refused(cls, requests):
        pass

    def email_variables(self):
        return {
            'policy': self.policy.number, 'title': self.title,
            'amount': self.amount, 'invoice_number': self.invoice_number,
            'request': self.number,
            }



def invoiceable(policy_id):
    """(amount, currency) the policy can be invoiced now, read under its
    row lock; raise InvoiceRequestError when there is nothing to invoice"""
    Policy = Pool().get('insurance.policy')
    if policy_id is None:
        return None, None  # the required policy is reported by validation
    policy = Policy.locked(Policy(policy_id))
    amount = policy.invoiceable_amount
    if amount <= 0:
        raise InvoiceRequestError(gettext(
                'insurance_invoice.msg_request_nothing_to_invoice',
                policy=policy.number))
    return amount, policy.currency

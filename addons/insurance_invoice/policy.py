"""The invoice requests of a policy, and what it can be invoiced."""
from decimal import Decimal

from trytond.model import ModelView, fields
from trytond.pool import PoolMeta


class Policy(metaclass=PoolMeta):
    __name__ = 'insurance.policy'

    invoice_requests = fields.One2Many(
        'insurance.invoice.request', 'policy', "Invoice Requests",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'request_invoice': {'icon': 'tryton-add'},
                })

    @property
    def invoiceable_amount(self):
        """What the customer paid and was not refunded: the written premium
        (endorsements' negative differences are refunds) less the
        cancellation refund"""
        return self.written_premium - (self.refund or Decimal(0))

    @classmethod
    @ModelView.button_action('insurance_invoice.act_request_policy')
    def request_invoice(cls, policies):
        pass

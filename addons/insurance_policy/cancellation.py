"""Cancellations (退保): from an effective date, with a pro-rata refund.

The refund is the unearned part of the current plan's full-term premium,
pro rata by the days from the effective date (or the start, if later) to
the end; that sums exactly the premium written at issue and by endorsements
less what was earned. No refund once a claim was paid on the policy: the
claims module answers has_paid_claim().
"""
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelView, Workflow, fields
from trytond.modules.insurance_base.money import MONEY_DIGITS
from trytond.modules.insurance_base.timezone import china_today, utcnow
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import issuance
from .proration import prorate


class Policy(metaclass=PoolMeta):
    __name__ = 'insurance.policy'

    cancellation_date = fields.Date(
        "Cancellation Date", readonly=True,
        help="The day in China from which the policy no longer covers.")
    cancellation_reason = fields.Text("Cancellation Reason", readonly=True)
    cancelled_at = fields.Timestamp("Cancelled At", readonly=True)
    refund = fields.Numeric(
        "Refund", digits=MONEY_DIGITS, readonly=True,
        help="The unearned premium returned at cancellation.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # Statements collect the cancellations of a month.
        cls._sql_indexes.add(Index(t, (t.cancelled_at, Index.Range()),
                where=t.cancelled_at != Null))

    def has_paid_claim(self):
        """Tell whether a claim was paid on the policy

        A hook: insurance_policy knows no claims, insurance_claim overrides
        it."""
        return False

    def cancel_from(self, effective_date, reason):
        """Cancel the policy from effective_date with its refund; return it
        or raise IssuanceError"""
        policy = self.locked(self)
        policy.check_in_force()
        policy.check_cancellation_date(effective_date)
        policy.cancellation_date = effective_date
        policy.cancellation_reason = reason
        policy.cancelled_at = utcnow()
        policy.refund = policy.refund_from(effective_date)
        policy.save()
        self.cancel([policy])
        return self.__class__(policy.id)

    def refund_from(self, day):
        if self.has_paid_claim():
            return Decimal('0.00')
        return prorate(self.term_premium, self, day)

    def check_cancellation_date(self, day):
        failures = []
        if day < china_today():
            failures.append(('EFFECTIVE_DATE_IN_PAST',
                    gettext('insurance_policy.msg_effective_date_in_past')))
        if day > self.end_date:
            failures.append(('EFFECTIVE_DATE_OUT_OF_TERM', gettext(
                        'insurance_policy.msg_effective_date_out_of_term',
                        start=self.start_date, end=self.end_date)))
        endorsed = self.last_endorsement_date
        if endorsed and day < endorsed:
            failures.append(('EFFECTIVE_DATE_BEFORE_ENDORSEMENT', gettext(
                        'insurance_policy.msg_cancellation_before_endorsement',
                        date=endorsed)))
        if failures:
            raise issuance.rule_violation(failures)

    @classmethod
    @Workflow.transition('cancelled')
    def cancel(cls, policies):
        "Cancel policies whose cancellation fields are set (cancel_from)"


class CancelStart(ModelView):
    __name__ = 'insurance.policy.cancel.start'
    __string__ = "Cancel Policy"

    policy = fields.Many2One('insurance.policy', "Policy", readonly=True)
    effective_date = fields.Date("Effective Date", required=True,
        domain=[('effective_date', '>=', Eval('today'))])
    today = fields.Date("Today", readonly=True)
    reason = fields.Text("Reason", required=True,
        help="Why the customer asks to cancel, as told to customer service.")


class Cancel(Wizard):
    "Cancel Policy"
    __name__ = 'insurance.policy.cancel'

    start = StateView('insurance.policy.cancel.start',
        'insurance_policy.cancel_start_view_form', [
            Button("Close", 'end', 'tryton-cancel'),
            Button("Cancel Policy", 'cancel', 'tryton-ok', default=True),
            ])
    cancel = StateTransition()

    def default_start(self, fields):
        return {
            'policy': self.record.id,
            'today': china_today(),
            'effective_date': max(china_today(), self.record.start_date),
            }

    def transition_cancel(self):
        self.record.cancel_from(self.start.effective_date, self.start.reason)
        return 'end'

"""Try a product version out before publishing it (试算): the premium of
sample risk values with its breakdown and every failing underwriting rule,
and the automatic decision on a sample claim with the rule that decided.
Nothing is issued or stored: the engines run on the version's terms."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import RatingError
from .rating import rate
from .rules import check
from .settlement import Settlement, claim_names

MONEY_DIGITS = (16, 2)
SAMPLE = 'SAMPLE'


class TryOutStart(ModelView):
    __name__ = 'insurance.product.version.try_out.start'
    __string__ = "Try Out a Product Version"

    version = fields.Many2One(
        'insurance.product.version', "Version", readonly=True)
    line = fields.Many2One('insurance.line', "Line of Business",
        readonly=True)
    plan = fields.Many2One('insurance.plan', "Plan", required=True,
        domain=[('version', '=', Eval('version', -1))])
    effective_date = fields.Date("Effective Date", required=True)
    risk = fields.Dict(
        'insurance.product.risk_attribute', "Sample Risk",
        domain=[('version', '=', Eval('version', -1))])
    premium = fields.Numeric("Premium", digits=MONEY_DIGITS, readonly=True)
    breakdown = fields.Text("Breakdown", readonly=True)
    failures = fields.Text("Failing Rules", readonly=True)
    incident_date = fields.Date("Incident Date")
    filed_date = fields.Date("Filed On")
    claimed_amount = fields.Numeric("Claimed Amount", digits=MONEY_DIGITS)
    details = fields.Dict(
        'insurance.line.claim_detail', "Sample Claim Details",
        domain=[('line', '=', Eval('line', -1))])
    paid_claims = fields.Integer(
        "Claims Paid Before", help="On the policy, before this claim.")
    paid_amount = fields.Numeric(
        "Amount Paid Before", digits=MONEY_DIGITS)
    decision = fields.Text("Automatic Decision", readonly=True)


class TryOut(Wizard):
    __name__ = 'insurance.product.version.try_out'
    __string__ = "Try Out a Product Version"

    start = StateView('insurance.product.version.try_out.start',
        'insurance_product.try_out_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Try", 'try_', 'tryton-launch', default=True),
            ])
    try_ = StateTransition()

    def default_start(self, fields):
        if getattr(self.start, 'plan', None):
            # back from a try: show what was entered and its results
            return self.start._default_values
        version = self.record
        today = dt.date.today()
        return {
            'version': version.id,
            'line': version.product.line.id,
            'plan': version.plans[0].id if version.plans else None,
            'effective_date': today,
            'risk': {a.name: None for a in version.risk_attributes},
            'incident_date': today,
            'filed_date': today,
            'details': {d.name: None
                for d in version.product.line.claim_details},
            'paid_claims': 0,
            'paid_amount': Decimal(0),
            }

    def transition_try_(self):
        start = self.start
        plan_terms = start.plan.get_terms()
        risk = {k: v for k, v in (start.risk or {}).items()
            if v is not None}
        premium = self.quote(plan_terms, risk)
        start.decision = self.decide(plan_terms, risk, premium)
        return 'start'

    def quote(self, plan_terms, risk):
        "Fill the premium, breakdown and failures in; return the premium"
        start = self.start
        failures = check(plan_terms, {
                'risk': risk,
                'policyholder': {}, 'insured': {},
                'effective_date': start.effective_date,
                'today': dt.date.today(),
                })
        start.failures = '\n'.join(
            f'{f.code}: {f.message}' + (f' ({f.detail})' if f.detail else '')
            for f in failures) or gettext(
            'insurance_product.msg_try_no_failure')
        try:
            quote = rate(plan_terms, risk)
        except RatingError as error:
            start.premium, start.breakdown = None, f'{error.code}: {error}'
            return None
        start.premium = quote.premium
        start.breakdown = '\n'.join(map(step_text, quote.breakdown))
        return quote.premium

    def decide(self, plan_terms, risk, premium):
        "The text of the automatic decision on the sample claim"
        start = self.start
        line_terms = start.line.get_terms()
        if not line_terms.automatic:
            return gettext('insurance_product.msg_try_manual')
        names = claim_names(line_terms, plan_terms, {
                'number': SAMPLE,
                'incident_date': start.incident_date,
                'filed_date': start.filed_date,
                'claimed_amount': start.claimed_amount or Decimal(0),
                'source': 'api',
                'details': {k: v for k, v in (start.details or {}).items()
                    if v is not None},
                }, {
                'number': SAMPLE, 'state': 'in_force',
                'start': start.effective_date,
                'end': plan_terms.end_date(start.effective_date),
                'sum_insured': plan_terms.sum_insured,
                'premium': premium or Decimal(0),
                'product': plan_terms.product_code, 'plan': plan_terms.code,
                'risk': risk,
                }, {
                'paid_claims': start.paid_claims or 0,
                'paid_amount': start.paid_amount or Decimal(0),
                'claims': start.paid_claims or 0,
                }, dt.date.today())
        decision = Settlement(line_terms).decide(names)
        if decision.paid:
            return gettext('insurance_product.msg_try_paid',
                amount=decision.amount, currency=plan_terms.currency)
        text = gettext('insurance_product.msg_try_rejected',
            code=decision.code, message=decision.message,
            rule=decision.rule or '-')
        if decision.detail:
            text += f'\n{decision.detail}'
        return text


def step_text(step):
    "One line of the breakdown, as the underwriter reads it"
    return gettext(f'insurance_product.msg_step_{step.kind}',
        amount=step.amount, factor=step.factor, table=step.table,
        attribute=step.attribute, value=step.value,
        row=step.row or '-', applied=step.applied)


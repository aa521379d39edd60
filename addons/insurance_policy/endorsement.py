"""Endorsements (批改): a change of plan from an effective date.

The policy takes the new plan, its sum insured and its rating; its premium
keeps what was written at issue, and each endorsement records the pro-rata
difference, (new premium - old premium) x days left / term days. It is
charged to the channel like any premium: the account-security free upgrade
is free for the account holder, the payment platform pays the difference.
"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.insurance_base.money import MONEY_DIGITS
from trytond.modules.insurance_base.numbering import Numbering
from trytond.modules.insurance_base.timezone import china_today, utcnow
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import issuance
from .policy import Policy as BasePolicy
from .proration import prorate

NUMBERING = Numbering(
    'insurance_policy_endorsement_number_seq', 'E', digits=8)


class Endorsement(ModelSQL, ModelView):
    __name__ = 'insurance.policy.endorsement'
    __string__ = "Policy Endorsement"
    _rec_name = 'number'

    number = fields.Char("Number", required=True, readonly=True)
    policy = fields.Many2One(
        'insurance.policy', "Policy", required=True, readonly=True,
        ondelete='RESTRICT')
    effective_date = fields.Date(
        "Effective Date", required=True, readonly=True)
    plan_before = fields.Many2One(
        'insurance.plan', "Plan Before", required=True, readonly=True,
        ondelete='RESTRICT')
    plan_after = fields.Many2One(
        'insurance.plan', "Plan After", required=True, readonly=True,
        ondelete='RESTRICT')
    before = fields.Dict(None, "Before", readonly=True)
    after = fields.Dict(None, "After", readonly=True)
    before_text = fields.Function(fields.Text("Before"), 'get_json_text')
    after_text = fields.Function(fields.Text("After"), 'get_json_text')
    premium_delta = fields.Numeric(
        "Premium Difference", digits=MONEY_DIGITS, required=True,
        readonly=True,
        help="Pro rata by the days left: positive is charged, negative "
        "refunded.")
    contract_version = fields.Many2One(
        'insurance.contract.version', "Contract Version", required=True,
        readonly=True, ondelete='RESTRICT')
    created_at = fields.Timestamp("Created At", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'insurance_policy.msg_endorsement_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.policy, Index.Equality())),
                Index(t, (t.created_at, Index.Range())),
                })
        cls._order = [('policy', 'ASC'), ('created_at', 'ASC'), ('id', 'ASC')]

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        NUMBERING.create()

    # The same JSON rendering as the policy's risk and rating
    get_json_text = BasePolicy.get_json_text

    @classmethod
    def next_number(cls):
        "A new endorsement number: E, the day in China, the sequence"
        return NUMBERING.next()

    @classmethod
    def endorse(cls, policy, plan_code, effective_date):
        """Move policy to plan_code from effective_date; return the
        endorsement or raise IssuanceError

        The new plan goes through the contract (operation endorse), the
        rules and the rating as an issue would."""
        Policy = Pool().get('insurance.policy')
        policy = Policy.locked(policy)
        policy.check_in_force()
        check_plan_changes(policy, plan_code)
        quotation = issuance.quote(policy.channel.id,
            policy.application_for(plan_code, effective_date),
            operation='endorse')
        check_within_term(policy, effective_date)
        premium_delta = prorate(
            quotation.premium - policy.term_premium, policy, effective_date)
        endorsement = cls(
            number=cls.next_number(), policy=policy,
            effective_date=effective_date, plan_before=policy.plan,
            before=snapshot(policy),
            premium_delta=premium_delta,
            contract_version=quotation.terms.contract_version_id,
            created_at=utcnow())
        policy.take_plan(quotation)
        endorsement.plan_after = policy.plan
        endorsement.after = snapshot(policy)
        endorsement.save()
        return endorsement


def check_plan_changes(policy, plan_code):
    if policy.plan.code == plan_code:
        raise issuance.rule_violation([('PLAN_UNCHANGED',
                    gettext('insurance_policy.msg_plan_unchanged',
                        plan=plan_code))])


def check_within_term(policy, day):
    if not policy.start_date <= day < policy.end_date:
        raise issuance.rule_violation([('EFFECTIVE_DATE_OUT_OF_TERM',
                    gettext(
                        'insurance_policy.msg_effective_date_out_of_term',
                        start=policy.start_date, end=policy.end_date))])


def snapshot(policy):
    "What an endorsement changes, as JSON-ready values"
    return {
        'plan_code': policy.plan.code,
        'product_version': policy.product_version.number,
        'term_premium': str(policy.term_premium),
        'sum_insured': str(policy.sum_insured),
        'rating': policy.rating,
        }


class Policy(metaclass=PoolMeta):
    __name__ = 'insurance.policy'

    endorsements = fields.One2Many(
        'insurance.policy.endorsement', 'policy', "Endorsements",
        readonly=True)

    def take_plan(self, quotation):
        "Cover the policy by the plan of quotation from now on"
        self.plan = quotation.plan_terms.id
        self.product_version = quotation.terms.product_version_id
        self.sum_insured = Decimal(quotation.plan_terms.sum_insured)
        self.rating = quotation.quote.as_dict()
        self.save()

    @property
    def last_endorsement_date(self):
        return max((e.effective_date for e in self.endorsements),
            default=None)


class EndorseStart(ModelView):
    __name__ = 'insurance.policy.endorse.start'
    __string__ = "Endorse Policy"

    policy = fields.Many2One('insurance.policy', "Policy", readonly=True)
    product_version = fields.Many2One(
        'insurance.product.version', "Product Version", readonly=True)
    plan = fields.Many2One('insurance.plan', "New Plan", required=True,
        domain=[('version', '=', Eval('product_version', -1))])
    effective_date = fields.Date("Effective Date", required=True)


class Endorse(Wizard):
    "Endorse Policy"
    __name__ = 'insurance.policy.endorse'

    start = StateView('insurance.policy.endorse.start',
        'insurance_policy.endorse_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Endorse", 'endorse', 'tryton-ok', default=True),
            ])
    endorse = StateTransition()

    def default_start(self, fields):
        Contract = Pool().get('insurance.contract')
        policy = self.record
        current = Contract.find_for(policy.channel, policy.product.code)
        return {
            'policy': policy.id,
            'product_version': (current or policy).product_version.id,
            'effective_date': max(china_today(), policy.start_date),
            }

    def transition_endorse(self):
        Endorsement = Pool().get('insurance.policy.endorsement')
        Endorsement.endorse(self.record, self.start.plan.code,
            self.start.effective_date)
        return 'end'

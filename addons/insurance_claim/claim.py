"""The claim (理赔单): filed by a channel or by customer service, decided by
the automatic adjudication (return shipping) or by a claims handler.

Every write goes through `write`, which records the change log and, for a
change of state, the callback event, in the transaction of the change.
"""
from itertools import chain

from sql import Null
from sql.aggregate import Sum
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    Check,
    Exclude,
    Index,
    ModelSQL,
    ModelView,
    Unique,
    Workflow,
    fields,
)
from trytond.modules.insurance_base.guard import WorkflowGuard
from trytond.modules.insurance_base.money import MONEY_DIGITS, money
from trytond.modules.insurance_base.numbering import Numbering
from trytond.modules.insurance_base.queue import ADJUDICATION, queue
from trytond.modules.insurance_base.timezone import (
    china_midnight,
    china_today,
    utcnow,
)
from trytond.modules.insurance_product.product import LEGACY_LINES
from trytond.modules.insurance_product.rules import parse_values
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .claim_log import Change, changes_of_write
from .exceptions import ClaimError, ClaimValidationError

NUMBERING = Numbering('insurance_claim_number_seq', 'C', digits=10)
FINAL_STATES = {'paid', 'closed'}
# What handling sets, and a copy starts without
HANDLING_FIELDS = (
    'handler', 'approved_amount', 'paid_amount', 'payment_reference',
    'paid_at', 'rejection_code', 'rejection_text')
# The reasons a handler may give besides those of the claim rules, and the
# settlement engine's own
REJECTION_CODES = [
    'NOT_COVERED', 'DUPLICATE_CLAIM', 'INSUFFICIENT_EVIDENCE', 'OTHER',
    'PAYMENT_NOT_COMPUTABLE', 'NOTHING_PAYABLE']




def policy_covers(policy, day):
    """Tell whether policy covers the incident of day (a date in China)

    A cancelled policy covers nothing: the cancellation's effective date is
    not known here."""
    if policy.state == 'cancelled':
        return False
    return policy.starts_at <= china_midnight(day) < policy.ends_at


def rejection_reason(state, code, text):
    "The {code, message} partners see of a rejected claim, or None"
    if state != 'rejected' or not code:
        return None
    return {'code': code, 'message': text or ''}


def check_claimable(policy, incident_date, details):
    "Refuse a claim the policy does not cover or whose details are wrong"
    if not policy_covers(policy, incident_date):
        raise ClaimError('NOT_COVERED', gettext(
                'insurance_claim.msg_claim_not_covered',
                policy=policy.number, date=incident_date))
    check_details(policy.product.line, details)


def merged_details(details, patch):
    "details updated by patch; a key patched to None is removed"
    merged = dict(details or {})
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def check_details(line, details):
    "Refuse details the line does not accept: missing or of the wrong type"
    failures = parse_values(
        line.get_terms().claim_details, details or {}, 'claim_detail')[1]
    if failures:
        raise ClaimError('INVALID_CLAIM_DETAILS', gettext(
                'insurance_claim.msg_claim_details_invalid'), details=[{
                    'field': f'details.{f.attribute}', 'code': f.code,
                    'message': f.message} for f in failures])


class Claim(WorkflowGuard, Workflow, ModelSQL, ModelView):
    __name__ = 'insurance.claim'
    __string__ = "Insurance Claim"
    _rec_name = 'number'
    # The change log below records more than ir.model.log would
    _log = False

    _filed = {'readonly': Eval('id', -1) >= 0}
    _open = {'readonly': Eval('state').in_(list(FINAL_STATES))}

    number = fields.Char("Number", required=True, readonly=True)
    policy = fields.Many2One(
        'insurance.policy', "Policy", required=True, ondelete='RESTRICT',
        states=_filed)
    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, readonly=True,
        ondelete='RESTRICT')
    line = fields.Many2One(
        'insurance.line', "Line of Business", required=True, readonly=True,
        ondelete='RESTRICT')
    single_payment = fields.Boolean(
        "One Paid Claim per Policy", readonly=True,
        help="Copied from the line of business when the claim is filed.")
    source = fields.Selection([
            ('api', "Partner API"),
            ('back_office', "Back Office"),
            ], "Source", required=True, readonly=True)
    filed_at = fields.Timestamp("Filed At", required=True, readonly=True)
    incident_date = fields.Date(
        "Incident Date", required=True, states=_filed)
    claimed_amount = fields.Numeric(
        "Claimed Amount", digits=MONEY_DIGITS, required=True, states=_open)
    details = fields.Dict(
        'insurance.line.claim_detail', "Details",
        domain=[('line', '=', Eval('line', -1))], states=_open,
        help="What supports the claim, as its line of business declares.")
    state = fields.Selection([
            ('submitted', "Submitted"),
            ('under_review', "Under Review"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ('paid', "Paid"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    handler = fields.Many2One('res.user', "Handler", readonly=True)
    remaining_sum_insured = fields.Function(fields.Numeric(
            "Remaining Sum Insured", digits=MONEY_DIGITS),
        'get_remaining_sum_insured')
    approved_amount = fields.Numeric(
        "Approved Amount", digits=MONEY_DIGITS,
        states={'readonly': Eval('state') != 'under_review'})
    paid_amount = fields.Numeric(
        "Paid Amount", digits=MONEY_DIGITS, readonly=True)
    payment_reference = fields.Char(
        "Payment Reference",
        states={'readonly': Eval('state') != 'approved'})
    paid_at = fields.Timestamp("Paid At", readonly=True)
    rejection_code = fields.Selection(
        'get_rejection_codes', "Rejection Reason", sort=False,
        states={
            'readonly': ~Eval('state').in_(['submitted', 'under_review']),
            })
    rejection_text = fields.Text(
        "Rejection Explanation",
        states={
            'readonly': ~Eval('state').in_(['submitted', 'under_review']),
            })
    history = fields.One2Many(
        'insurance.claim.log', 'claim', "History", readonly=True)
    callback_events = fields.One2Many(
        'insurance.callback.event', 'claim', "Callback Events",
        readonly=True)

    del _filed, _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'insurance_claim.msg_claim_number_unique'),
            ('amounts_positive', Check(t, (t.claimed_amount >= 0)
                    & ((t.approved_amount == Null) | (t.approved_amount > 0))
                    & ((t.paid_amount == Null) | (t.paid_amount > 0))),
                'insurance_claim.msg_claim_amounts_positive'),
            # The backstop of the adjudication: two payments racing on one
            # policy of a line paying once cannot both commit.
            ('one_paid_per_policy', Exclude(t,
                    (t.policy, Equal),
                    where=(t.paid_at != Null) & (t.single_payment == True)),  # noqa: E712
                'insurance_claim.msg_claim_paid_once'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.policy, Index.Equality())),
                Index(t, (t.channel, Index.Equality()),
                    (t.filed_at, Index.Range())),
                Index(t, (t.filed_at, Index.Range())),
                Index(t, (t.line, Index.Equality()), (t.id, Index.Range()),
                    where=t.state == 'submitted'),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.paid_at, Index.Range()), where=t.paid_at != Null),
                })
        cls._order = [('filed_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('submitted', 'under_review'),
            ('submitted', 'rejected'),
            # the automatic adjudication pays at once
            ('submitted', 'paid'),
            ('under_review', 'approved'),
            ('under_review', 'rejected'),
            ('approved', 'paid'),
            ('paid', 'closed'),
            ('rejected', 'closed'),
            # an update sends a claim that is not final back
            ('under_review', 'submitted'),
            ('approved', 'submitted'),
            ('rejected', 'submitted'),
            }
        cls._buttons.update({
                'take': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'under_review',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'pay': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': ~Eval('state').in_(
                        ['submitted', 'under_review']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': ~Eval('state').in_(['paid', 'rejected']),
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        legacy_line = (table_h.column_exist('line')
            and table_h.column_is_type('line', 'VARCHAR'))
        if legacy_line:
            table_h.column_rename('line', 'line_code')
        table_h.drop_constraint('one_paid_return_shipping')
        super().__register__(module)
        if legacy_line:
            cls._migrate_line_codes(module)
        NUMBERING.create()

    @classmethod
    def _migrate_line_codes(cls, module):
        "Claims point at the line records their former selection named"
        pool = Pool()
        Line = pool.get('insurance.line')
        claim, line = cls.__table__(), Line.__table__()
        cursor = Transaction().connection.cursor()
        for old_code, code in LEGACY_LINES.items():
            cursor.execute(*claim.update([claim.line],
                    line.select(line.id, where=line.code == code),
                    where=claim.line_code == old_code))
        cursor.execute(*claim.update([claim.single_payment],
                [line.select(line.single_payment,
                        where=line.id == claim.line)]))
        table_h = cls.__table_handler__(module)
        table_h.drop_column('line_code')
        table_h.not_null_action('line', 'add')

    @classmethod
    def default_state(cls):
        return 'submitted'

    @classmethod
    def get_rejection_codes(cls):
        "The built-in reasons, then those of the claim rules by their name"
        ClaimRule = Pool().get('insurance.line.claim_rule')
        codes = [(None, "")] + [
            (code, gettext(f'insurance_claim.msg_reason_{code.lower()}'))
            for code in REJECTION_CODES]
        known = set(REJECTION_CODES)
        # a rule is named by what a claim must meet: the reason is failing it
        codes += [(code, gettext('insurance_claim.msg_reason_rule_failed',
                    rule=name))
            for code, name in ClaimRule.rejection_codes()
            if code not in known]
        return codes

    @classmethod
    def default_source(cls):
        return 'back_office'

    @classmethod
    def default_filed_at(cls):
        return utcnow()

    @classmethod
    def default_incident_date(cls):
        return china_today()

    @fields.depends('policy')
    def on_change_policy(self):
        """The channel and line of business the claim is filed under: the
        details its line declares may then be chosen"""
        policy = self.policy
        self.channel = policy.channel if policy else None
        self.line = policy.product.line if policy else None

    @classmethod
    def next_number(cls):
        "A new claim number: C, the day in China, the sequence"
        return NUMBERING.next()

    @classmethod
    def write_each(cls, claims, values_of):
        "Write on each claim the values that values_of(claim) returns"
        if claims:
            cls.write(*chain.from_iterable(
                    ([claim], values_of(claim)) for claim in claims))

    @classmethod
    def get_remaining_sum_insured(cls, claims, name):
        paid = cls.paid_on_policies({c.policy.id for c in claims})
        return {c.id: c.policy.sum_insured - paid.get(c.policy.id, 0)
            for c in claims}

    @classmethod
    def paid_on_policies(cls, policy_ids):
        "Return {policy id: amount paid by its claims}"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.policy, Sum(table.paid_amount),
                where=table.policy.in_(list(policy_ids) or [-1])
                & (table.paid_at != Null),
                group_by=[table.policy]))
        return dict(cursor)

    @classmethod
    def preprocess_values(cls, mode, values):
        Policy = Pool().get('insurance.policy')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if not values.get('number'):
                values['number'] = cls.next_number()
            policy = Policy(values['policy'])
            line = policy.product.line
            values.setdefault('channel', policy.channel.id)
            values.setdefault('line', line.id)
            values.setdefault('single_payment', bool(line.single_payment))
        return values

    @classmethod
    def copy(cls, claims, default=None):
        "Copies are new claims filed in the back office, not yet handled"
        default = default.copy() if default is not None else {}
        for name in HANDLING_FIELDS + ('number', 'history', 'callback_events'):
            default.setdefault(name, None)
        default.setdefault('source', 'back_office')
        default.setdefault('filed_at', utcnow())
        return super().copy(claims, default=default)

    @classmethod
    def check_modification(cls, mode, claims, values=None, external=False):
        super().check_modification(
            mode, claims, values=values, external=external)
        if mode == 'delete':
            raise ClaimError('FORBIDDEN', gettext(
                    'insurance_claim.msg_claim_no_delete'))
        if mode == 'write' and external:
            for claim in claims:
                # sao saving the form unchanged before a button is no update
                if not all(claim.keeps(name, value)
                        for name, value in values.items()
                        if name in cls._fields):
                    claim.check_not_final()

    @classmethod
    def validate_fields(cls, claims, field_names):
        "An approved amount is refused above what remains of the policy's"
        super().validate_fields(claims, field_names)
        if 'approved_amount' in field_names:
            for claim in claims:
                if claim.approved_amount is not None:
                    claim.check_amount(claim.approved_amount)

    @classmethod
    def create(cls, vlist):
        ClaimLog = Pool().get('insurance.claim.log')
        if Transaction().check_access:
            cls.check_filed_by_staff(vlist)
        claims = super().create(vlist)
        ClaimLog.record([Change(c.id, 'state', None, c.state)
                for c in claims])
        return claims

    @classmethod
    def check_filed_by_staff(cls, vlist):
        "Claims filed in the back office are checked as the partner API does"
        Policy = Pool().get('insurance.policy')
        for values in vlist:
            if values.get('policy') is not None:
                check_claimable(Policy(values['policy']),
                    values.get('incident_date') or cls.default_incident_date(),
                    values.get('details'))

    @classmethod
    def write(cls, *args):
        changes = changes_of_write(args)
        super().write(*args)
        cls.record_changes(changes)

    @classmethod
    def record_changes(cls, changes):
        "Log changes and announce the changes of state to the channels"
        pool = Pool()
        ClaimLog = pool.get('insurance.claim.log')
        CallbackEvent = pool.get('insurance.callback.event')
        ClaimLog.record(changes)
        CallbackEvent.announce([(c.claim, c.old)
                for c in changes if c.field == 'state'])

    @classmethod
    def forget(cls, claim_ids):
        "Drop the cached values of claims changed by SQL"
        transaction = Transaction()
        transaction.counter += 1
        for cache in transaction.cache.values():
            if cls.__name__ in cache:
                for claim_id in claim_ids:
                    cache[cls.__name__].pop(claim_id, None)

    def check_not_final(self):
        if self.state in FINAL_STATES:
            raise ClaimError('CLAIM_FINAL', gettext(
                    'insurance_claim.msg_claim_final',
                    claim=self.number, state=self.state_string))

    @classmethod
    def file(cls, policy, incident_date, claimed_amount, details,
            source='api'):
        "File a claim on policy; refused when the policy does not cover"
        check_claimable(policy, incident_date, details)
        claim, = cls.create([{
                    'policy': policy.id,
                    'incident_date': incident_date,
                    'claimed_amount': money(claimed_amount),
                    'details': dict(details or {}),
                    'source': source,
                    }])
        cls.enqueue_adjudication([claim])
        return claim

    def amend(self, details=None, claimed_amount=None):
        """Update a claim that is not final; it goes back to submitted

        details are merged into the claim's (a key set to None is removed).
        """
        self.check_not_final()
        values = {}
        if details is not None:
            values['details'] = merged_details(self.details, details)
            check_details(self.line, values['details'])
        if claimed_amount is not None:
            values['claimed_amount'] = money(claimed_amount)
        if values:
            self.write([self], values)
        self.resubmit([self])
        self.enqueue_adjudication([self])

    @classmethod
    def enqueue_adjudication(cls, claims):
        "Have the worker decide the claims settled by rules in seconds"
        automatic = [c for c in claims if c.line.settlement == 'automatic']
        if automatic:
            queue(cls, ADJUDICATION).adjudicate(automatic)

    @classmethod
    @Workflow.transition('submitted')
    def resubmit(cls, claims):
        cls.write(claims, {
                'rejection_code': None,
                'rejection_text': None,
                'approved_amount': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('under_review')
    def take(cls, claims):
        user = Transaction().user
        cls.write_each(claims, lambda claim: {
                'handler': user or None,
                'approved_amount': claim.suggested_amount(),
                })

    def suggested_amount(self):
        "The claimed amount, within what remains of the sum insured"
        amount = min(self.claimed_amount, self.remaining_sum_insured)
        return amount if amount > 0 else None

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, claims):
        for claim in claims:
            claim.check_amount(claim.approved_amount)

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    def pay(cls, claims):
        cls.lock_policies(claims)
        now = utcnow()
        for claim in claims:
            claim.check_amount(claim.approved_amount)
            if not claim.payment_reference:
                raise ClaimValidationError(gettext(
                        'insurance_claim.msg_claim_payment_reference_required',
                        claim=claim.number))
            # One by one: each payment lowers what remains for the next
            cls.write([claim], {
                    'paid_amount': claim.approved_amount,
                    'paid_at': now,
                    })

    @classmethod
    def lock_policies(cls, claims):
        """Lock the claims' policies: two payments on one policy are checked
        against its remaining sum insured one after the other"""
        Policy = Pool().get('insurance.policy')
        for policy in sorted({c.policy for c in claims}, key=lambda p: p.id):
            Policy.locked(policy)

    def check_amount(self, amount):
        "Refuse to pay more than what remains of the policy's sum insured"
        if not amount or amount <= 0:
            raise ClaimValidationError(gettext(
                    'insurance_claim.msg_claim_amount_required',
                    claim=self.number))
        # Computed afresh, not the cached remaining_sum_insured
        remaining = self.get_remaining_sum_insured([self], None)[self.id]
        if self.paid_at is not None:
            # Checked again once paid: its own payment is not another's
            remaining += self.paid_amount or 0
        if amount > remaining:
            raise ClaimValidationError(gettext(
                    'insurance_claim.msg_claim_amount_exceeds_remaining',
                    claim=self.number, amount=money(amount),
                    remaining=money(remaining)))

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, claims):
        for claim in claims:
            if not claim.rejection_code:
                raise ClaimValidationError(gettext(
                        'insurance_claim.msg_claim_rejection_reason_required',
                        claim=claim.number))

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, claims):
        pass

    @property
    def rejection_reason(self):
        return rejection_reason(
            self.state, self.rejection_code, self.rejection_text)

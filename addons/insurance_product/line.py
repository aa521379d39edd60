"""Lines of business (业务线) as data: what names the insured object, which
details a claim carries and how claims are settled.

A line settles its claims by hand (a claims handler decides) or
automatically: its claim rules are checked in order, the first one a claim
fails rejects it with the rule's code and message, and a claim passing them
all is paid the payment formula, capped at what remains of the sum insured.
"""
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin,
    ModelSQL,
    ModelView,
    Unique,
    fields,
    sequence_ordered,
)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ProductValidationError, RuleExpressionError
from .expression import InvalidExpression
from .risk_attribute import TypedAttributeMixin
from .settlement import compile_claim_expression
from .terms import ClaimRuleTerms, LineTerms

PERSON_KEYS = ('insured.id_no', 'insured.name', 'policyholder.id_no')


def check_claim_expression(expression, owner):
    "Raise RuleExpressionError naming owner unless expression compiles"
    try:
        compile_claim_expression(expression)
    except InvalidExpression as exception:
        raise RuleExpressionError(gettext(
                'insurance_product.msg_rule_expression_invalid',
                rule=owner, error=str(exception))) from None


class Line(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'insurance.line'
    __string__ = "Insurance Line of Business"

    _automatic = {
        'invisible': Eval('settlement') != 'automatic',
        'required': Eval('settlement') == 'automatic',
        }

    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    insured_object = fields.Char(
        "Insured Object", required=True,
        help="The risk attributes naming the insured object, separated by "
        "commas (e.g. order_no, or flight_no, flight_date, insured.id_no): "
        "one policy per channel and product may be in force on an object "
        "for a period.")
    claim_details = fields.One2Many(
        'insurance.line.claim_detail', 'line', "Claim Details",
        help="What partners send in the details of a claim.")
    settlement = fields.Selection([
            ('manual', "By a Claims Handler"),
            ('automatic', "Automatically by Rules"),
            ], "Claim Settlement", required=True)
    single_payment = fields.Boolean(
        "One Paid Claim per Policy",
        help="The database refuses a second payment on a policy.")
    claim_rules = fields.One2Many(
        'insurance.line.claim_rule', 'line', "Claim Rules",
        states={'invisible': Eval('settlement') != 'automatic'},
        help="Checked in order: the first rule a claim fails rejects it.")
    payment_formula = fields.Char(
        "Payment Formula", states=_automatic,
        help="The amount paid for a claim meeting every rule, e.g. "
        "policy.sum_insured or 50 * (details.delay_minutes // 60).")
    cap_at_sum_insured = fields.Boolean(
        "Cap at Remaining Sum Insured",
        states={'invisible': Eval('settlement') != 'automatic'})
    payment_prefix = fields.Char(
        "Payment Reference Prefix", strip=False,
        states={'invisible': Eval('settlement') != 'automatic'},
        help="The payment reference is this prefix and the claim number.")

    del _automatic

    _terms_cache = Cache('insurance.line.terms', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'insurance_product.msg_line_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @staticmethod
    def default_settlement():
        return 'manual'

    @staticmethod
    def default_cap_at_sum_insured():
        return True

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('code',) + tuple(clause[1:]),
            ('name',) + tuple(clause[1:]),
            ]

    @property
    def insured_object_names(self):
        return tuple(n.strip() for n in (self.insured_object or '').split(',')
            if n.strip())

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if 'payment_formula' in field_names:
            for line in lines:
                if line.payment_formula:
                    check_claim_expression(
                        line.payment_formula, line.rec_name)

    def check_insured_object(self, version):
        "Check version's required risk attributes name the insured object"
        required = {a.name for a in version.risk_attributes if a.required}
        for name in self.insured_object_names:
            if name not in required and name not in PERSON_KEYS:
                raise ProductValidationError(gettext(
                        'insurance_product.msg_line_insured_object_unknown',
                        line=self.rec_name, attribute=name,
                        version=version.rec_name))

    def get_terms(self):
        "Return the immutable LineTerms the engines run on, cached"
        key = (self.id, Transaction().language)
        terms = self._terms_cache.get(key)
        if terms is None:
            terms = self._terms_cache.set(key, self._build_terms())
        return terms

    def _build_terms(self):
        return LineTerms(
            id=self.id, code=self.code,
            insured_object=self.insured_object_names,
            automatic=self.settlement == 'automatic',
            single_payment=bool(self.single_payment),
            claim_details=tuple(d.get_terms() for d in self.claim_details),
            rules=tuple(r.get_terms() for r in self.claim_rules
                if r.enabled),
            payment_formula=self.payment_formula,
            cap_at_sum_insured=bool(self.cap_at_sum_insured),
            payment_prefix=self.payment_prefix or '')

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        clear_line_caches()

    @classmethod
    def automatic_ids(cls):
        "The ids of the lines whose claims are settled by rules"
        with Transaction().set_context(active_test=False):
            return [line.id for line in cls.search(
                    [('settlement', '=', 'automatic')], order=[])]


def clear_line_caches():
    Line = Pool().get('insurance.line')
    Line._terms_cache.clear()
    Pool().get('insurance.plan').clear_terms_cache()


class LineContentMixin:
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        clear_line_caches()


class ClaimDetail(
        LineContentMixin, TypedAttributeMixin, ModelSQL, ModelView):
    __name__ = 'insurance.line.claim_detail'
    __string__ = "Insurance Claim Detail"

    line = fields.Many2One(
        'insurance.line', "Line of Business", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('line_name_unique', Unique(t, t.line, t.name),
                'insurance_product.msg_claim_detail_name_unique'),
            ]


class ClaimRule(LineContentMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'insurance.line.claim_rule'
    __string__ = "Insurance Claim Rule"

    line = fields.Many2One(
        'insurance.line', "Line of Business", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    expression = fields.Text(
        "Condition", required=True,
        help="What a claim must meet to be paid, e.g. "
        "history.paid_claims == 0. Names: claim, details, policy, risk, "
        "history, today.")
    rejection_code = fields.Char(
        "Rejection Code", required=True, strip=True,
        help="The code partners receive, e.g. DUPLICATE_CLAIM.")
    message = fields.Char("Message", required=True, translate=True)
    enabled = fields.Boolean("Active", help="Only active rules are checked.")

    @staticmethod
    def default_enabled():
        return True

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        if 'expression' in field_names:
            for rule in rules:
                check_claim_expression(rule.expression, rule.name)

    def get_terms(self):
        return ClaimRuleTerms(
            name=self.name, expression=self.expression,
            code=self.rejection_code, message=self.message)

    @classmethod
    def rejection_codes(cls):
        "[(code, rule name)] of every claim rule, for selections"
        codes = {}
        order = [('line', 'ASC'), ('sequence', 'ASC')]
        for rule in cls.search([], order=order):
            codes.setdefault(rule.rejection_code, rule.name)
        return sorted(codes.items())

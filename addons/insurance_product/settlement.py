"""The settlement engine: the automatic decision on a claim of a line.

It works on plain values (no ORM), so that the adjudication of a batch of
claims and the try-out of a draft product run the same code. The rules and
the payment formula are compiled once per Settlement; each claim is then
evaluated with one reused evaluator.

Rule expressions see:
- claim: number, incident_date, filed_date, claimed_amount, source, details
- details: the claim's details, typed as the line declares them
- policy: number, state, start, end (dates in China, end excluded),
  sum_insured, premium, remaining (sum insured less what was paid),
  product, plan, channel (codes), risk
- risk: the policy's risk attributes, typed as its product declares them
- history: paid_claims, paid_amount, claims (other claims of the policy)
- today
"""
from dataclasses import dataclass
from decimal import Decimal

from trytond.i18n import gettext
from trytond.modules.insurance_base.money import money

from .expression import CONSTANTS, Evaluator, compile_expression

CLAIM_VARIABLES = ('claim', 'details', 'policy', 'risk', 'history', 'today')


def compile_claim_expression(expression):
    "Return the parsed claim expression or raise InvalidExpression"
    return compile_expression(expression, CLAIM_VARIABLES)


@dataclass(frozen=True, slots=True)
class Decision:
    "Paid amount, or the rejection code and message of the rule deciding"
    code: str | None = None
    message: str | None = None
    rule: str | None = None
    amount: Decimal | None = None
    detail: str | None = None

    @property
    def paid(self):
        return self.code is None


def typed(attributes, values):
    "values with those of attributes converted to their type when valid"
    result = dict(values or {})
    for attribute in attributes:
        value = result.get(attribute.name)
        if value is None or value == '':
            continue
        try:
            result[attribute.name] = attribute.parse(value)
        except ValueError:
            pass
    return result


def claim_names(line_terms, plan_terms, claim, policy, history, today):
    """The names claim expressions see, from plain dictionaries

    claim holds the raw details and policy the raw risk."""
    details = typed(line_terms.claim_details, claim.get('details'))
    risk = typed(plan_terms.risk_attributes, policy.get('risk'))
    paid_amount = history.get('paid_amount') or Decimal(0)
    return {
        'claim': {**claim, 'details': details},
        'details': details,
        'policy': {
            **policy, 'risk': risk,
            'remaining': policy['sum_insured'] - paid_amount,
            },
        'risk': risk,
        'history': {
            'paid_claims': history.get('paid_claims') or 0,
            'paid_amount': paid_amount,
            'claims': history.get('claims') or 0,
            },
        'today': today,
        }


class Settlement:
    "Decides the claims of a line of business by its rules"

    def __init__(self, line_terms):
        self.line = line_terms
        self.rules = [(rule, compile_claim_expression(rule.expression))
            for rule in line_terms.rules]
        self.formula = (compile_claim_expression(line_terms.payment_formula)
            if line_terms.payment_formula else None)
        self.evaluator = Evaluator({})

    def _evaluate(self, expression, tree, names):
        self.evaluator.names = {**CONSTANTS, **names}
        return self.evaluator.eval(expression, tree)

    def decide(self, names):
        "Return the Decision on the claim that names describe"
        for rule, tree in self.rules:
            try:
                met = self._evaluate(rule.expression, tree, names)
            except Exception as exception:
                # A rule that cannot be evaluated (a detail missing...)
                # rejects the claim for its reason: it can be updated.
                return Decision(rule.code, rule.message, rule.name,
                    detail=str(exception))
            if not met:
                return Decision(rule.code, rule.message, rule.name)
        return self._payment(names)

    def _payment(self, names):
        try:
            amount = self._evaluate(
                self.line.payment_formula, self.formula, names)
            amount = Decimal(str(amount)) if isinstance(
                amount, (int, float)) else Decimal(amount)
        except Exception as exception:
            return self._builtin('PAYMENT_NOT_COMPUTABLE',
                'msg_payment_not_computable', detail=str(exception))
        if self.line.cap_at_sum_insured:
            amount = min(amount, names['policy']['remaining'])
        amount = money(amount)
        if amount <= 0:
            return self._builtin('NOTHING_PAYABLE', 'msg_nothing_payable')
        return Decision(amount=amount)

    @staticmethod
    def _builtin(code, message_id, detail=None):
        return Decision(code,
            gettext('insurance_product.' + message_id), detail=detail)

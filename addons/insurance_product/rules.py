"""The rule engine: every reason why a request may not be underwritten.

Built-in checks of the risk attributes come first (required, well typed),
then the plan's rules in order. A rule is a safe expression (simpleeval) that
must be true for the request to be accepted; it sees only plain values:
risk, policyholder, insured, effective_date, today, channel and contract.
"""
import datetime as dt
from dataclasses import dataclass

from trytond.i18n import gettext

from .expression import InvalidExpression, compile_expression, evaluator

VARIABLES = (
    'risk', 'policyholder', 'insured', 'effective_date', 'today', 'channel',
    'contract')
# The error of an underwriting rule's expression
InvalidRule = InvalidExpression


@dataclass(frozen=True, slots=True)
class Failure:
    code: str
    message: str
    rule: str | None = None
    detail: str | None = None
    attribute: str | None = None


def compile_rule(expression):
    "Return the parsed expression of an underwriting rule or raise"
    return compile_expression(expression, VARIABLES)


def check(plan_terms, request, contract=None):
    "Return the list of every Failure of request against plan_terms"
    risk, failures = parse_risk(plan_terms, request.get('risk') or {})
    names = {
        'risk': risk,
        'policyholder': request.get('policyholder') or {},
        'insured': request.get('insured') or {},
        'effective_date': request.get('effective_date'),
        'today': request.get('today') or dt.date.today(),
        'channel': request.get('channel'),
        'contract': contract,
        }
    rule_evaluator = evaluator(names)
    failures.extend(filter(None,
            (_evaluate(rule_evaluator, rule) for rule in plan_terms.rules)))
    return failures


def parse_risk(plan_terms, risk):
    "Return risk with its declared attributes typed and the failures"
    return parse_values(plan_terms.risk_attributes, risk, 'risk_attribute')


def parse_values(attributes, values, kind):
    """Return values with the declared attributes typed and the failures

    kind names the messages and codes: risk_attribute or claim_detail."""
    typed, failures = dict(values), []
    for attribute in attributes:
        value = values.get(attribute.name)
        if value is None or value == '':
            if attribute.required:
                failures.append(
                    _builtin_failure(kind, 'missing', attribute))
            continue
        try:
            typed[attribute.name] = attribute.parse(value)
        except ValueError:
            failures.append(_builtin_failure(kind, 'invalid', attribute))
    return typed, failures


def _builtin_failure(kind, problem, attribute):
    return Failure(f'{kind}_{problem}'.upper(), gettext(
            f'insurance_product.msg_{kind}_{problem}',
            attribute=attribute.name, type=attribute.type),
        attribute=attribute.name)


def _evaluate(rule_evaluator, rule):
    "Return the Failure of rule or None when the request satisfies it"
    try:
        accepted = rule_evaluator.eval(
            rule.expression, compile_rule(rule.expression))
    except Exception as exception:
        # A rule that cannot be evaluated refuses the request; it must
        # never crash the quote or the issuance calling it.
        return Failure(rule.code, rule.message, rule.name, str(exception))
    if not accepted:
        return Failure(rule.code, rule.message, rule.name)

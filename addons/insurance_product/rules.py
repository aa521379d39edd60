"""The rule engine: every reason why a request may not be underwritten.

Built-in checks of the risk attributes come first (required, well typed),
then the plan's rules in order. A rule is a safe expression (simpleeval) that
must be true for the request to be accepted; it sees only plain values:
risk, policyholder, insured, effective_date, today, channel and contract.
"""
import ast
import datetime as dt
import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import simpleeval
from simpleeval import FeatureNotAvailable, NumberTooHigh, SimpleEval

from trytond.i18n import gettext

VARIABLES = (
    'risk', 'policyholder', 'insured', 'effective_date', 'today', 'channel',
    'contract')
MAX_EXPRESSION_LENGTH = 2000
MAX_EXPONENT = 100
FORBIDDEN_NODES = (
    ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
    ast.NamedExpr, ast.Starred, ast.Await, ast.Yield, ast.YieldFrom)


@dataclass(frozen=True, slots=True)
class Failure:
    code: str
    message: str
    rule: str | None = None
    detail: str | None = None


class InvalidRule(Exception):
    "The expression is refused; the argument says why"


def _power(base, exponent):
    # simpleeval bounds base and exponent by 4,000,000 each, which still lets
    # 9 ** 9 ** 9 run for minutes; underwriting never needs more than this.
    if abs(exponent) > MAX_EXPONENT:
        raise NumberTooHigh(f"exponent {exponent} exceeds {MAX_EXPONENT}")
    return simpleeval.safe_power(base, exponent)


def _decimal(value='0'):
    if isinstance(value, float):
        value = str(value)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def _date(value):
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _days_between(start, end):
    return (_date(end) - _date(start)).days


def _add_days(day, days):
    return _date(day) + dt.timedelta(days=days)


OPERATORS = {**simpleeval.DEFAULT_OPERATORS, ast.Pow: _power}
FUNCTIONS = {
    'len': len, 'min': min, 'max': max, 'abs': abs, 'round': round,
    'int': int, 'str': str, 'Decimal': _decimal, 'date': _date,
    'days_between': _days_between, 'add_days': _add_days,
    }
CONSTANTS = {'True': True, 'False': False, 'None': None}


class _Evaluator(SimpleEval):
    "simpleeval with tuple/list/set literals and mapping.key as mapping['key']"

    def __init__(self, names):
        super().__init__(
            operators=OPERATORS, functions=FUNCTIONS,
            names={**CONSTANTS, **names})
        self.nodes.update({
                ast.Tuple: self._eval_sequence(tuple),
                ast.List: self._eval_sequence(list),
                ast.Set: self._eval_sequence(set),
                })

    def _eval_sequence(self, kind):
        return lambda node: kind(self._eval(e) for e in node.elts)

    def _eval_attribute(self, node):
        if node.attr.startswith('_'):
            raise FeatureNotAvailable(f"'{node.attr}' is not available")
        container = self._eval(node.value)
        if not isinstance(container, Mapping):
            raise FeatureNotAvailable(
                f"'.{node.attr}' is only available on mappings")
        try:
            return container[node.attr]
        except KeyError:
            raise simpleeval.AttributeDoesNotExist(
                node.attr, self.expr) from None


_evaluators = threading.local()


def _evaluator(names):
    """The thread's _Evaluator, seeing names

    Building a SimpleEval costs more than evaluating a rule: bulk issuance
    evaluates thousands a second."""
    evaluator = getattr(_evaluators, 'evaluator', None)
    if evaluator is None:
        evaluator = _evaluators.evaluator = _Evaluator({})
    evaluator.names = {**CONSTANTS, **names}
    return evaluator


@functools.lru_cache(maxsize=4096)
def compile_expression(expression):
    """Return the parsed expression or raise InvalidRule

    Refuses what evaluation would refuse and evaluates the parts without
    variables, so that 9 ** 9 ** 9 or 'x' * 10 ** 9 fail when saved."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise InvalidRule(f"longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(expression.strip(), mode='eval')
    except SyntaxError as exception:
        raise InvalidRule(
            f"{exception.msg} (column {exception.offset})") from exception
    for node in ast.walk(tree):
        _check_node(node)
    _evaluate_constant_parts(tree.body)
    return tree.body


def _check_node(node):
    if isinstance(node, FORBIDDEN_NODES):
        raise InvalidRule(f"{type(node).__name__} is not allowed")
    if isinstance(node, ast.Name) and node.id not in (
            VARIABLES + tuple(FUNCTIONS) + tuple(CONSTANTS)):
        raise InvalidRule(f"unknown name '{node.id}'")
    if isinstance(node, ast.Attribute) and node.attr.startswith('_'):
        raise InvalidRule(f"'{node.attr}' is not available")
    if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
        raise InvalidRule(
            "only these functions may be called: " + ', '.join(FUNCTIONS))


def _evaluate_constant_parts(node):
    if not isinstance(node, ast.expr):
        return
    if _is_constant(node):
        try:
            _Evaluator({})._eval(node)
        except Exception as exception:
            raise InvalidRule(str(exception)) from exception
        return
    for child in ast.iter_child_nodes(node):
        _evaluate_constant_parts(child)


def _is_constant(node):
    return not any(isinstance(n, ast.Name) and n.id in VARIABLES
        for n in ast.walk(node))


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
    evaluator = _evaluator(names)
    failures.extend(filter(None,
            (_evaluate(evaluator, rule) for rule in plan_terms.rules)))
    return failures


def parse_risk(plan_terms, risk):
    "Return risk with its declared attributes typed and the failures"
    typed, failures = dict(risk), []
    for attribute in plan_terms.risk_attributes:
        value = risk.get(attribute.name)
        if value is None or value == '':
            if attribute.required:
                failures.append(_builtin_failure(
                        'RISK_ATTRIBUTE_MISSING',
                        'msg_risk_attribute_missing', attribute))
            continue
        try:
            typed[attribute.name] = attribute.parse(value)
        except ValueError:
            failures.append(_builtin_failure(
                    'RISK_ATTRIBUTE_INVALID',
                    'msg_risk_attribute_invalid', attribute))
    return typed, failures


def _builtin_failure(code, message_id, attribute):
    return Failure(code, gettext(
            'insurance_product.' + message_id,
            attribute=attribute.name, type=attribute.type))


def _evaluate(evaluator, rule):
    "Return the Failure of rule or None when the request satisfies it"
    try:
        accepted = evaluator.eval(
            rule.expression, compile_expression(rule.expression))
    except Exception as exception:
        # A rule that cannot be evaluated refuses the request; it must
        # never crash the quote or the issuance calling it.
        return Failure(rule.code, rule.message, rule.name, str(exception))
    if not accepted:
        return Failure(rule.code, rule.message, rule.name)

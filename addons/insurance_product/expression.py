"""Safe expressions: what underwriters write in rules and formulas.

An expression is parsed once (compile_expression, cached) and refused when
saved if evaluation could never accept it: a syntax error, a name that is
not offered, a call of anything but the functions below, a construct that
loops (comprehension, lambda) or an attribute of Python's internals; the
error tells its line and column. Evaluation (simpleeval) then sees only plain
values: mappings read as mapping.key, no attribute of any other object.

Time and size are bounded: an expression is at most MAX_EXPRESSION_LENGTH
characters without loops, powers are bounded by MAX_EXPONENT, strings and
sequences by simpleeval's MAX_STRING_LENGTH, and patterns are matched by
RE2, whose time is linear in the text.
"""
import ast
import datetime as dt
import functools
import threading
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import re2
import simpleeval
from simpleeval import FeatureNotAvailable, NumberTooHigh, SimpleEval

MAX_EXPRESSION_LENGTH = 2000
MAX_EXPONENT = 100
MAX_PATTERN_LENGTH = 200
FORBIDDEN_NODES = (
    ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
    ast.NamedExpr, ast.Starred, ast.Await, ast.Yield, ast.YieldFrom)


class InvalidExpression(Exception):
    "The expression is refused; str() says why and where"

    def __init__(self, message, line=None, column=None):
        self.message, self.line, self.column = message, line, column
        where = f"line {line}, column {column}: " if line else ""
        super().__init__(where + message)


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


@functools.lru_cache(maxsize=256)
def _pattern(pattern):
    if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(
            f"a pattern is a text of at most {MAX_PATTERN_LENGTH} characters")
    try:
        return re2.compile(pattern)
    except re2.error as error:
        raise ValueError(
            f"invalid pattern {pattern!r}: {error}") from None


def _matches(value, pattern):
    "Whether the whole text value matches the regular expression pattern"
    compiled = _pattern(pattern)
    return isinstance(value, str) and compiled.fullmatch(value) is not None


OPERATORS = {**simpleeval.DEFAULT_OPERATORS, ast.Pow: _power}
FUNCTIONS = {
    'len': len, 'min': min, 'max': max, 'abs': abs, 'round': round,
    'int': int, 'str': str, 'Decimal': _decimal, 'date': _date,
    'days_between': _days_between, 'add_days': _add_days,
    'matches': _matches,
    }
CONSTANTS = {'True': True, 'False': False, 'None': None}


class Evaluator(SimpleEval):
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

    def _check_disallowed_items(self, item):
        """Nothing to look for: names hold plain values (the engines build
        them), attributes are read on mappings only and the only callables
        are FUNCTIONS. simpleeval's own check walks every mapping a name
        gives, at each use: most of the time of a claim's rules."""

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


@functools.lru_cache(maxsize=4096)
def compile_expression(expression, variables):
    """Return the parsed expression or raise InvalidExpression

    variables: the names the expression may read. Refuses what evaluation
    would refuse and evaluates the parts without variables, so that
    9 ** 9 ** 9 or 'x' * 10 ** 9 fail when saved. The expression may span
    lines: it is read as if in parentheses."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise InvalidExpression(
            f"longer than {MAX_EXPRESSION_LENGTH} characters")
    source = expression.strip()
    try:
        tree = ast.parse(f'({source}\n)', mode='eval')
    except SyntaxError as exception:
        raise InvalidExpression(exception.msg, *_position(
                source, exception.lineno, exception.offset)) from None
    for node in ast.walk(tree):
        _check_node(node, variables, source)
    _evaluate_constant_parts(tree.body, variables, source)
    return tree.body


def _position(source, line, column):
    """The (line, column) in source of a position in the parenthesised
    source; the end of source for a position past it (unexpected end)"""
    lines = source.split('\n')
    if not line or line > len(lines) or not column:
        return len(lines), len(lines[-1]) + 1
    if line == 1:
        column = max(column - 1, 1)
    return line, column


def _refuse(node, source, message):
    line = getattr(node, 'lineno', None)
    column = getattr(node, 'col_offset', -1) + 1
    raise InvalidExpression(message, *_position(source, line, column))


def _check_node(node, variables, source):
    if isinstance(node, FORBIDDEN_NODES):
        _refuse(node, source, f"{type(node).__name__} is not allowed")
    if isinstance(node, ast.Name) and node.id not in (
            variables + tuple(FUNCTIONS) + tuple(CONSTANTS)):
        _refuse(node, source, f"unknown name '{node.id}'; the names are "
            + ', '.join(variables))
    if isinstance(node, ast.Attribute) and node.attr.startswith('_'):
        _refuse(node, source, f"'{node.attr}' is not available")
    if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
        _refuse(node, source,
            "only these functions may be called: " + ', '.join(FUNCTIONS))


def _evaluate_constant_parts(node, variables, source):
    if not isinstance(node, ast.expr):
        return
    if not any(isinstance(n, ast.Name) and n.id in variables
            for n in ast.walk(node)):
        try:
            Evaluator({})._eval(node)
        except Exception as exception:
            _refuse(node, source, str(exception))
        return
    for child in ast.iter_child_nodes(node):
        _evaluate_constant_parts(child, variables, source)


_evaluators = threading.local()


def evaluator(names):
    """The thread's Evaluator, seeing names

    Building a SimpleEval costs more than evaluating a rule: bulk issuance
    evaluates thousands a second."""
    evaluator = getattr(_evaluators, 'evaluator', None)
    if evaluator is None:
        evaluator = _evaluators.evaluator = Evaluator({})
    evaluator.names = {**CONSTANTS, **names}
    return evaluator


def evaluate(expression, variables, names):
    "Return the value of expression with names; raise what it raises"
    return evaluator(names).eval(
        expression, compile_expression(expression, variables))

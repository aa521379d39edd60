"Rule engine: every failure reported, malicious expressions contained"
import datetime as dt
import time
from dataclasses import replace
from decimal import Decimal

import pytest

from trytond.modules.insurance_product.rules import (
    Failure,
    InvalidRule,
    check,
)
from trytond.modules.insurance_product.rules import (
    compile_rule as compile_expression,
)
from trytond.modules.insurance_product.terms import RuleTerms
from trytond.tests.test_tryton import activate_module, with_transaction

from .test_rating import plan_terms


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_product')


AMOUNT_RULE = RuleTerms(
    "Amount", "0 < risk.order_amount <= 50000", 'ORDER_AMOUNT_OUT_OF_RANGE',
    "Out of range")
START_RULE = RuleTerms(
    "Start", "days_between(today, effective_date) <= 30", 'START_TOO_LATE',
    "Starts too late")
MALICIOUS = [
    "__import__('os').system('true')",
    "().__class__.__bases__[0].__subclasses__()",
    "risk.__class__",
    "9 ** 9 ** 9",
    "'x' * 10 ** 9",
    "(lambda: 1)()",
    "[c for c in 'abc']",
    "risk.get('order_no')",
    "open('/etc/passwd')",
    "x" * 3000,
    ]


def terms(*rules):
    return replace(plan_terms(), rules=rules)


def request(amount='59.90', effective_date='2026-01-10', **risk):
    return {
        'risk': {
            'order_no': 'O1', 'order_amount': amount,
            'goods_category': 'apparel', **risk,
            },
        'effective_date': dt.date.fromisoformat(effective_date),
        'today': dt.date(2026, 1, 1),
        }


def codes(failures):
    return [f.code for f in failures]


# Test the rule engine
@with_transaction()
def test_accepted_request():
    assert check(terms(AMOUNT_RULE, START_RULE), request()) == []


@with_transaction()
def test_every_failure_reported_in_order():
    req = request(amount='60000', effective_date='2026-03-01')
    del req['risk']['order_no']
    req['risk']['return_rate_band'] = 'Z'
    failures = check(terms(AMOUNT_RULE, START_RULE), req)
    assert codes(failures) == [
            'RISK_ATTRIBUTE_MISSING', 'RISK_ATTRIBUTE_INVALID',
            'ORDER_AMOUNT_OUT_OF_RANGE', 'START_TOO_LATE']
    assert failures[2] == Failure(
            'ORDER_AMOUNT_OUT_OF_RANGE', "Out of range", "Amount")
    assert 'order_no' in failures[0].message


@with_transaction()
def test_rules_see_typed_attributes():
    "A decimal sent as text compares as a number"
    assert check(terms(AMOUNT_RULE), request(amount='50000.00')) == []
    assert codes(check(terms(AMOUNT_RULE), request(amount='50000.01'))) == [
        'ORDER_AMOUNT_OUT_OF_RANGE']


@with_transaction()
def test_contract_and_channel_names():
    rule = RuleTerms(
        "Channel", "channel == 'taobao' and contract.rate > 1",
        'CHANNEL', "Channel")
    req = {**request(), 'channel': 'taobao'}
    assert check(terms(rule), req, {'rate': Decimal(2)}) == []
    assert codes(check(terms(rule), req, {'rate': Decimal(1)})) == ['CHANNEL']


@pytest.mark.parametrize('expression', MALICIOUS)
def test_malicious_expressions_refused_when_compiled(expression):
    with pytest.raises(InvalidRule):
        compile_expression(expression)


def test_syntax_error_gives_the_parser_message():
    with pytest.raises(InvalidRule) as context:
        compile_expression("risk.order_amount >")
    assert "invalid syntax" in str(context.value)


@pytest.mark.parametrize('expression', [
        AMOUNT_RULE.expression, START_RULE.expression,
        "risk.goods_category in ('apparel', 'shoes')",
        "len(risk['order_no']) <= 32 and 2 ** 10 > 1",
        "Decimal('0.1') * 3 == Decimal('0.3')",
        ])
def test_safe_expressions_compile(expression):
    compile_expression(expression)


@with_transaction()
def test_malicious_evaluation_is_a_failure():
    "Expressions only harmful with the request's values fail, fast"
    big = {'order_amount': '1000000', 'order_no': '9' * 40}
    for expression in [
            "'x' * risk.order_amount",
            "risk.order_amount ** risk.order_amount",
            "int(risk.order_no) ** int(risk.order_no)",
            "risk.order_amount.__class__",
            "risk.missing > 1",
            "1 / (risk.order_amount - risk.order_amount)",
            ]:
        rule = RuleTerms("Evil", expression, 'EVIL', "Refused")
        start = time.monotonic()
        failure, = check(terms(rule), request(**big))
        assert time.monotonic() - start < 1, expression
        assert (failure.code, failure.rule) == ('EVIL', "Evil"), expression
        assert failure.detail, expression


@with_transaction()
def test_rules_bypassing_validation_are_contained():
    "A rule stored without validation still cannot escape"
    for expression in MALICIOUS:
        rule = RuleTerms("Evil", expression, 'EVIL', "Refused")
        assert codes(check(terms(rule), request())) == ['EVIL'], expression

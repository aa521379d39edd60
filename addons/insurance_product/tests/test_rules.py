"Rule engine: every failure reported, malicious expressions contained"
import datetime as dt
import time
import unittest
from dataclasses import replace
from decimal import Decimal

from trytond.modules.insurance_product.rules import (
    Failure,
    InvalidRule,
    check,
    compile_expression,
)
from trytond.modules.insurance_product.terms import RuleTerms
from trytond.tests.test_tryton import activate_module, with_transaction

from .test_rating import plan_terms

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


class RulesTestCase(unittest.TestCase):
    "Test the rule engine"

    @classmethod
    def setUpClass(cls):
        activate_module('insurance_product')

    @with_transaction()
    def test_accepted_request(self):
        self.assertEqual(
            check(terms(AMOUNT_RULE, START_RULE), request()), [])

    @with_transaction()
    def test_every_failure_reported_in_order(self):
        req = request(amount='60000', effective_date='2026-03-01')
        del req['risk']['order_no']
        req['risk']['return_rate_band'] = 'Z'
        failures = check(terms(AMOUNT_RULE, START_RULE), req)
        self.assertEqual(codes(failures), [
                'RISK_ATTRIBUTE_MISSING', 'RISK_ATTRIBUTE_INVALID',
                'ORDER_AMOUNT_OUT_OF_RANGE', 'START_TOO_LATE'])
        self.assertEqual(failures[2], Failure(
                'ORDER_AMOUNT_OUT_OF_RANGE', "Out of range", "Amount"))
        self.assertIn('order_no', failures[0].message)

    @with_transaction()
    def test_rules_see_typed_attributes(self):
        "A decimal sent as text compares as a number"
        self.assertEqual(
            check(terms(AMOUNT_RULE), request(amount='50000.00')), [])
        self.assertEqual(codes(check(
                    terms(AMOUNT_RULE), request(amount='50000.01'))),
            ['ORDER_AMOUNT_OUT_OF_RANGE'])

    @with_transaction()
    def test_contract_and_channel_names(self):
        rule = RuleTerms(
            "Channel", "channel == 'taobao' and contract.rate > 1",
            'CHANNEL', "Channel")
        req = {**request(), 'channel': 'taobao'}
        self.assertEqual(check(terms(rule), req, {'rate': Decimal(2)}), [])
        self.assertEqual(
            codes(check(terms(rule), req, {'rate': Decimal(1)})), ['CHANNEL'])

    def test_malicious_expressions_refused_when_compiled(self):
        for expression in MALICIOUS:
            with self.subTest(expression=expression[:40]):
                with self.assertRaises(InvalidRule):
                    compile_expression(expression)

    def test_syntax_error_gives_the_parser_message(self):
        with self.assertRaises(InvalidRule) as context:
            compile_expression("risk.order_amount >")
        self.assertIn("invalid syntax", str(context.exception))

    def test_safe_expressions_compile(self):
        for expression in [
                AMOUNT_RULE.expression, START_RULE.expression,
                "risk.goods_category in ('apparel', 'shoes')",
                "len(risk['order_no']) <= 32 and 2 ** 10 > 1",
                "Decimal('0.1') * 3 == Decimal('0.3')",
                ]:
            with self.subTest(expression=expression):
                compile_expression(expression)

    @with_transaction()
    def test_malicious_evaluation_is_a_failure(self):
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
            with self.subTest(expression=expression):
                rule = RuleTerms("Evil", expression, 'EVIL', "Refused")
                start = time.monotonic()
                failure, = check(terms(rule), request(**big))
                self.assertLess(time.monotonic() - start, 1)
                self.assertEqual(
                    (failure.code, failure.rule), ('EVIL', "Evil"))
                self.assertTrue(failure.detail)

    @with_transaction()
    def test_rules_bypassing_validation_are_contained(self):
        "A rule stored without validation still cannot escape"
        for expression in MALICIOUS:
            with self.subTest(expression=expression[:40]):
                rule = RuleTerms("Evil", expression, 'EVIL', "Refused")
                self.assertEqual(
                    codes(check(terms(rule), request())), ['EVIL'])

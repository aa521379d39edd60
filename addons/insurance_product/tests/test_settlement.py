"""Grid rating, expression errors with their position, and the settlement
engine on the flight-delay example of issue 16 (premiums and amounts by
hand in the comments)."""
import datetime as dt
import time
from dataclasses import replace
from decimal import Decimal

import pytest

from trytond.modules.insurance_product.expression import (
    InvalidExpression,
    compile_expression,
)
from trytond.modules.insurance_product.rating import rate
from trytond.modules.insurance_product.settlement import (
    CLAIM_VARIABLES,
    Settlement,
    claim_names,
    compile_claim_expression,
)
from trytond.modules.insurance_product.terms import (
    ClaimRuleTerms,
    LineTerms,
    RatingCell,
    RatingRowTerms,
    RatingTableTerms,
    RiskAttributeTerms,
)
from trytond.tests.test_tryton import activate_module, with_transaction

from .test_rating import plan_terms

D = Decimal


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_product')


def band(lower, upper):
    return RatingCell(lower=None if lower is None else D(lower),
        upper=None if upper is None else D(upper))


# ticket price band x route type
PRICE_ROUTE = RatingTableTerms(
    'PRICE_ROUTE', "Price x route", 'ticket_price', 'band', tuple(
        RatingRowTerms(D(factor), lower=cell.lower, upper=cell.upper,
            more=(RatingCell(value=route),))
        for cell, route, factor in [
            (band(0, 1000), 'domestic', '1.00'),
            (band(0, 1000), 'international', '1.50'),
            (band(1000, None), 'domestic', '1.20'),
            (band(1000, None), 'international', '2.00'),
            ]),
    more_keys=(('route_type', 'exact'),))
FLIGHT = replace(plan_terms(base='10.00', minimum='5.00'),
    risk_attributes=(
        RiskAttributeTerms('flight_no', 'char', True),
        RiskAttributeTerms('flight_date', 'date', True),
        RiskAttributeTerms('ticket_price', 'decimal', True),
        RiskAttributeTerms('route_type', 'selection', True,
            ('domestic', 'international')),
        ),
    rating_tables=(PRICE_ROUTE,), sum_insured=D('200.00'))


def test_grid_factor_looked_up_by_both_keys():
    # 10.00 x 2.00 (1000 and more, international) = 20.00
    quote = rate(FLIGHT, {'ticket_price': '1500', 'route_type':
            'international'})
    assert quote.premium == D('20.00')
    step = quote.breakdown[1]
    assert (step.attribute, step.value, step.row) == (
        'ticket_price, route_type', '1500, international',
        '[1000, ) × international')
    # 10.00 x 1.00 (under 1000, domestic)
    assert rate(FLIGHT, {'ticket_price': '999.99',
            'route_type': 'domestic'}).premium == D('10.00')


def test_one_key_table_reads_as_before():
    row = RatingRowTerms(D('1.2'), value='apparel')
    assert row.label == 'apparel'
    table = RatingTableTerms('G', "G", 'goods', 'exact', (row,))
    assert table.keys == (('goods', 'exact'),)
    assert table.find_row('apparel') is row
    assert table.find_row('shoes') is None


@pytest.mark.parametrize('expression, line, column', [
        ("history.paid_claims ==", 1, 23),
        ("details.delay_minutes >= 120 and\nfoo > 1", 2, 1),
        ("claim.__class__", 1, 1),
        ("open('x')", 1, 1),
        ("1 +\n  (lambda: 1)()", 2, 3),
        ("policy.sum_insured * 9 ** 9 ** 9", 1, 22),
        ])
def test_refused_expression_tells_where(expression, line, column):
    with pytest.raises(InvalidExpression) as refusal:
        compile_claim_expression(expression)
    assert (refusal.value.line, refusal.value.column) == (line, column)
    assert str(refusal.value).startswith(f"line {line}, column {column}: ")


def test_patterns_run_in_linear_time():
    "RE2 does not backtrack: (a+)+b on 10,000 a's answers at once"
    started = time.perf_counter()
    tree = compile_expression("matches(details.x, '(a+)+b')", ('details',))
    assert tree is not None
    settlement_line = LineTerms(1, 'L', ('x',), True, True, rules=(
            ClaimRuleTerms("r", "matches(details.x, '(a+)+b')", 'BAD', "m"),),
        payment_formula='1')
    names = {'details': {'x': 'a' * 10000}, 'policy': {'remaining': D(1)}}
    assert Settlement(settlement_line).decide(names).code == 'BAD'
    assert time.perf_counter() - started < 1


DELAY_LINE = LineTerms(
    id=1, code='FLIGHT_DELAY',
    insured_object=('flight_no', 'flight_date', 'insured.id_no'),
    automatic=True, single_payment=True,
    claim_details=(RiskAttributeTerms('delay_minutes', 'integer', True),),
    rules=(
        ClaimRuleTerms("Delay", "details.delay_minutes >= 120",
            'DELAY_TOO_SHORT', "Delay under 2 hours"),
        ClaimRuleTerms("Flight in policy",
            "policy.start <= risk.flight_date < policy.end",
            'FLIGHT_NOT_COVERED', "Flight outside the policy"),
        ClaimRuleTerms("Once", "history.paid_claims == 0",
            'DUPLICATE_CLAIM', "Paid before"),
        ),
    payment_formula="50 * (details.delay_minutes // 60)",
    cap_at_sum_insured=True, payment_prefix='FD-')


def delay_decision(delay, flight_date='2026-12-10', paid_claims=0,
        paid_amount='0'):
    names = claim_names(DELAY_LINE, FLIGHT, {
            'number': 'C1', 'incident_date': dt.date(2026, 12, 10),
            'filed_date': dt.date(2026, 12, 11),
            'claimed_amount': D('100'), 'source': 'api',
            'details': {'delay_minutes': delay},
            }, {
            'number': 'P1', 'state': 'in_force',
            'start': dt.date(2026, 12, 1), 'end': dt.date(2027, 1, 1),
            'sum_insured': D('200.00'), 'premium': D('10.00'),
            'product': 'FLIGHT_DELAY', 'plan': 'STANDARD',
            'risk': {'flight_date': flight_date, 'ticket_price': '1500'},
            }, {'paid_claims': paid_claims, 'paid_amount': D(paid_amount)},
        dt.date(2026, 12, 11))
    return Settlement(DELAY_LINE).decide(names)


@with_transaction()
def test_flight_delay_settlement():
    # 185 minutes: 3 full hours x 50 = 150.00
    assert delay_decision('185').amount == D('150.00')
    # 600 minutes: 10 hours x 50 = 500.00, capped at the 200.00 insured
    assert delay_decision(600).amount == D('200.00')
    # 50.00 already paid: 150.00 remain
    assert delay_decision(600, paid_amount='50').amount == D('150.00')
    rejected = delay_decision(119)
    assert (rejected.code, rejected.rule, rejected.message) == (
        'DELAY_TOO_SHORT', "Delay", "Delay under 2 hours")
    assert delay_decision(180, flight_date='2027-01-01').code == (
        'FLIGHT_NOT_COVERED')
    assert delay_decision(180, paid_claims=1).code == 'DUPLICATE_CLAIM'


@with_transaction()
def test_rule_that_cannot_be_evaluated_rejects_with_its_code():
    "A detail missing: the claim is rejected for that rule, to be updated"
    decision = delay_decision(None)
    assert decision.code == 'DELAY_TOO_SHORT'
    assert decision.detail


@with_transaction()
def test_cap_leaves_nothing_to_pay():
    line = replace(DELAY_LINE, rules=())
    names = claim_names(line, FLIGHT, {'details': {'delay_minutes': 300}},
        {'sum_insured': D('200.00'), 'risk': {}},
        {'paid_claims': 1, 'paid_amount': D('200.00')}, None)
    assert Settlement(line).decide(names).code == 'NOTHING_PAYABLE'


def test_variables_offered_to_claim_rules():
    assert CLAIM_VARIABLES == (
        'claim', 'details', 'policy', 'risk', 'history', 'today')

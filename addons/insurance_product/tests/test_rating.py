"Rating engine examples, premiums computed by hand in the comments"
from decimal import Decimal

import pytest

from trytond.modules.insurance_product.exceptions import RatingError
from trytond.modules.insurance_product.rating import rate
from trytond.modules.insurance_product.terms import (
    PlanTerms,
    RatingRowTerms,
    RatingTableTerms,
    RiskAttributeTerms,
)
from trytond.tests.test_tryton import activate_module, with_transaction


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_product')


D = Decimal
ONE = D(1)


def exact(factors, default=None):
    return tuple(RatingRowTerms(factor=D(f), value=v) for v, f in factors)


GOODS = RatingTableTerms(
    'GOODS_CATEGORY', "Goods", 'goods_category', 'exact',
    exact([('apparel', '1.20'), ('shoes', '1.10'), ('electronics', '0.80')]),
    default_factor=D('1.00'))
AMOUNT = RatingTableTerms(
    'ORDER_AMOUNT', "Amount", 'order_amount', 'band', (
        RatingRowTerms(D('0.90'), lower=D(0), upper=D(100)),
        RatingRowTerms(D('1.00'), lower=D(100), upper=D(500)),
        RatingRowTerms(D('1.30'), lower=D(500)),
        ))
RETURN_RATE = RatingTableTerms(
    'RETURN_RATE', "Return rate", 'return_rate_band', 'exact',
    exact([('A', '0.80'), ('B', '1.00'), ('C', '1.50')]))


def plan_terms(base='1.00', minimum='0.50'):
    return PlanTerms(
        id=1, code='STANDARD', name="Standard", product_code='RS',
        version_id=1, version_number=1, version_state='published',
        currency='CNY', term_value=90, term_unit='day',
        base_premium=D(base), minimum_premium=D(minimum),
        sum_insured=D('12.00'),
        risk_attributes=(
            RiskAttributeTerms('order_no', 'char', True),
            RiskAttributeTerms('order_amount', 'decimal', True),
            RiskAttributeTerms('goods_category', 'char', True),
            RiskAttributeTerms(
                'return_rate_band', 'selection', False, ('A', 'B', 'C')),
            ),
        rating_tables=(GOODS, AMOUNT, RETURN_RATE))


def risk(category='apparel', amount='59.90', band='B'):
    return {
        'goods_category': category, 'order_amount': amount,
        'return_rate_band': band,
        }


# Test the rating engine
def premium(plan=None, adjustment=ONE, **kwargs):
    return rate(plan or plan_terms(), risk(**kwargs), adjustment).premium


def test_premium_multiplies_factors():
    # 1.00 x 1.20 (apparel) x 0.90 (under 100) x 0.80 (A) = 0.864 -> 0.86
    assert premium(band='A') == D('0.86')


def test_rounding_half_up():
    # 1.00 x 1.10 (shoes) x 1.30 (500+) x 1.50 (C) = 2.145 -> 2.15
    # (half-even would give 2.14)
    assert premium(category='shoes', amount='800', band='C') == D('2.15')


def test_contract_rate_adjustment():
    # 1.60 x 1.20 x 1.00 (100-500) x 1.00 (B) x 1.10 = 2.112 -> 2.11
    assert premium(
        plan_terms(base='1.60'), D('1.10'), amount='250') == D('2.11')


def test_minimum_premium_applied():
    # 1.00 x 0.80 (electronics) x 0.90 x 0.80 (A) x 0.80 = 0.4608 < 0.50
    quote = rate(plan_terms(),
        risk(category='electronics', band='A'), D('0.80'))
    assert quote.premium == D('0.50')
    minimum, = [s for s in quote.breakdown if s.kind == 'minimum']
    assert minimum.applied


def test_minimum_premium_not_applied():
    # 1.00 x 0.80 x 0.90 x 0.80 = 0.576 -> 0.58, above the 0.50 floor
    quote = rate(plan_terms(), risk(category='electronics', band='A'))
    assert quote.premium == D('0.58')
    minimum, = [s for s in quote.breakdown if s.kind == 'minimum']
    assert not minimum.applied


def test_band_edges():
    # Lower bounds are included, upper bounds excluded (base 1.00, B).
    for amount, expected in [
            ('0', '0.90'), ('99.99', '0.90'), ('100', '1.00'),
            ('499.99', '1.00'), ('500.00', '1.30'), ('50000', '1.30')]:
        assert premium(category='books', amount=amount) == D(expected)


def test_default_factor_when_no_row():
    # books has no row: default 1.00 x 0.90 x 1.00 = 0.90
    quote = rate(plan_terms(), risk(category='books'))
    assert quote.premium == D('0.90')
    goods = quote.breakdown[1]
    assert (goods.table, goods.factor, goods.row) == (
        'GOODS_CATEGORY', D('1.00'), None)


@with_transaction()
def test_missing_row_without_default_is_an_error():
    with pytest.raises(RatingError) as context:
        rate(plan_terms(), risk(amount='-1'))
    assert context.value.code == 'RATING_NO_FACTOR'


@with_transaction()
def test_absent_attribute_without_default_is_an_error():
    with pytest.raises(RatingError) as context:
        rate(plan_terms(), risk(band=None))
    assert context.value.code == 'RATING_NO_FACTOR'


@with_transaction()
def test_invalid_attribute_is_an_error():
    with pytest.raises(RatingError) as context:
        rate(plan_terms(), risk(amount='a lot'))
    assert context.value.code == 'RISK_ATTRIBUTE_INVALID'


def test_numbers_from_json():
    "Floats and strings are read as their decimal text"
    assert premium(amount=59.9) == premium(amount='59.90')


def test_breakdown():
    # 1.00 x 1.20 = 1.20; x 1.00 (250) = 1.20; x 1.50 (C) = 1.80
    quote = rate(plan_terms(), risk(amount='250', band='C'))
    assert quote.as_dict() == {
            'premium': '1.80',
            'currency': 'CNY',
            'breakdown': [
                {'kind': 'base', 'amount': '1.00'},
                {'kind': 'factor', 'amount': '1.2000', 'factor': '1.20',
                    'table': 'GOODS_CATEGORY',
                    'attribute': 'goods_category', 'value': 'apparel',
                    'row': 'apparel'},
                {'kind': 'factor', 'amount': '1.200000',
                    'factor': '1.00', 'table': 'ORDER_AMOUNT',
                    'attribute': 'order_amount', 'value': '250',
                    'row': '[100, 500)'},
                {'kind': 'factor', 'amount': '1.80000000',
                    'factor': '1.50', 'table': 'RETURN_RATE',
                    'attribute': 'return_rate_band', 'value': 'C',
                    'row': 'C'},
                {'kind': 'adjustment', 'amount': '1.80000000',
                    'factor': '1'},
                {'kind': 'minimum', 'amount': '1.80000000',
                    'value': '0.50', 'applied': False},
                {'kind': 'rounding', 'amount': '1.80'},
                ],
            }

"""POST /quotes: rules and rating without issuing (报价)."""
import datetime as dt
from decimal import Decimal

from trytond.modules.insurance_base.timezone import china_today

from .applications import (
    account_security,
    detail_codes,
    error_code,
    return_shipping,
)


def test_quote_prices_with_breakdown(taomall):
    response = taomall.post('/quotes', return_shipping())

    assert response.status_code == 200, response.text
    quote = response.json()
    assert quote['product_code'] == 'RETURN_SHIPPING'
    assert quote['plan_code'] == 'STANDARD'
    assert quote['currency'] == 'CNY'
    assert quote['sum_insured'] == '12.00'
    assert quote['breakdown'][0]['kind'] == 'base'
    assert quote['breakdown'][-1] == {
        'kind': 'rounding', 'amount': quote['premium']}
    assert Decimal(quote['premium']) > 0


def test_quote_runs_from_china_midnight_for_the_plan_term(taomall):
    quote = taomall.post('/quotes', return_shipping()).json()

    start = dt.datetime.fromisoformat(quote['start'])
    end = dt.datetime.fromisoformat(quote['end'])
    assert quote['start'] == f'{china_today().isoformat()}T00:00:00+08:00'
    assert end - start == dt.timedelta(days=90)


def test_quote_factors_follow_the_risk(taomall):
    apparel = taomall.post('/quotes', return_shipping()).json()
    electronics = taomall.post('/quotes',
        return_shipping(goods_category='electronics')).json()

    assert Decimal(electronics['premium']) < Decimal(apparel['premium'])


def test_quote_reports_every_failing_rule(taomall):
    body = return_shipping(order_amount='60000.00')
    del body['risk']['goods_category']

    response = taomall.post('/quotes', body)

    assert response.status_code == 422
    assert error_code(response) == 'RULE_VIOLATION'
    assert {'ORDER_AMOUNT_OUT_OF_RANGE', 'RISK_ATTRIBUTE_MISSING'} <= set(
        detail_codes(response))


def test_quote_refuses_a_past_effective_date(taomall):
    yesterday = china_today() - dt.timedelta(days=1)

    response = taomall.post('/quotes',
        return_shipping(effective_date=yesterday))

    assert response.status_code == 422
    assert 'EFFECTIVE_DATE_IN_PAST' in detail_codes(response)


def test_quote_of_a_plan_not_granted_is_forbidden(taomall):
    response = taomall.post('/quotes', return_shipping(plan_code='GOLDEN'))

    assert response.status_code == 403
    assert error_code(response) == 'PLAN_NOT_AUTHORIZED'


def test_quote_of_a_product_not_contracted_is_forbidden(taomall):
    response = taomall.post('/quotes', account_security())

    assert response.status_code == 403
    assert error_code(response) == 'OPERATION_NOT_AUTHORIZED'


def test_quote_under_a_terminated_contract_is_forbidden(client_of):
    response = client_of('ENDEDMALL').post('/quotes', return_shipping())

    assert response.status_code == 403
    assert error_code(response) == 'OPERATION_NOT_AUTHORIZED'


def test_quote_of_a_withdrawn_product_lists_alternatives(taomall):
    body = return_shipping()
    body['product_code'] = 'OLD_SHIPPING'

    response = taomall.post('/quotes', body)

    assert response.status_code == 422
    assert error_code(response) == 'PRODUCT_WITHDRAWN'
    assert [d['product_code'] for d in response.json()['error']['details']
        ] == ['RETURN_SHIPPING']


def test_quote_of_account_security(zhifupay):
    response = zhifupay.post('/quotes', account_security())

    assert response.status_code == 200, response.text
    quote = response.json()
    end = dt.datetime.fromisoformat(quote['end'])
    start = dt.datetime.fromisoformat(quote['start'])
    assert end.date() == start.date().replace(year=start.year + 1)

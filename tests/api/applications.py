"""Bodies of quote and issue requests, unique per call unless told."""
import uuid

from trytond.modules.insurance_base.timezone import china_today


def unique(prefix):
    return prefix + uuid.uuid4().hex[:16].upper()


def person(name="张三"):
    return {
        'name': name, 'id_type': 'ID_CARD', 'id_no': '110101199003071234',
        'phone': '13800138000', 'email': 'zhangsan@example.com',
        }


def return_shipping(order_no=None, plan_code='STANDARD', effective_date=None,
        **risk):
    return {
        'product_code': 'RETURN_SHIPPING',
        'plan_code': plan_code,
        'effective_date': (effective_date or china_today()).isoformat(),
        'policyholder': person(),
        'insured': {'name': "李四", 'id_type': 'ID_CARD',
            'id_no': '110101199505051234'},
        'risk': {
            'order_no': order_no or unique('T'),
            'order_amount': '199.00',
            'goods_category': 'apparel',
            'buyer_id': 'b-1',
            'seller_id': 's-9',
            'shipping_tracking_no': 'SF123',
            'return_rate_band': 'B',
            **risk,
            },
        }


def account_security(account_id=None, plan_code='BASIC'):
    return {
        'product_code': 'ACCOUNT_SECURITY',
        'plan_code': plan_code,
        'effective_date': china_today().isoformat(),
        'policyholder': person("王五"),
        'risk': {'account_id': account_id or unique('A'),
            'account_tier': 'gold'},
        }


def error_code(response):
    return response.json()['error']['code']


def detail_codes(response):
    return [d.get('code') for d in response.json()['error']['details']]


def detail_fields(response):
    return [d.get('field') for d in response.json()['error']['details']]

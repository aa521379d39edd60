"""航班延误险 (FLIGHT_DELAY) as an underwriter defines it: data only.

Used by the API test's seed (tests/claims/flight_seed.py); the browser test
enters the same values by hand. Nothing in the modules names this product.
"""
from decimal import Decimal

D = Decimal

LINE = {
    'code': 'FLIGHT_DELAY',
    'name': "航班延误",
    'insured_object': 'flight_no, flight_date, insured.id_no',
    'settlement': 'automatic',
    'single_payment': True,
    # 50 CNY per full hour of a delay of 2 hours or more
    'payment_formula': '50 * (details.delay_minutes // 60)',
    'cap_at_sum_insured': True,
    'payment_prefix': 'FD-',
    }
CLAIM_DETAILS = [{
        'name': 'delay_minutes', 'string': "延误分钟数", 'type': 'integer',
        'required': True,
        }]
CLAIM_RULES = [
    ("延误满 2 小时", 'details.delay_minutes >= 120', 'DELAY_TOO_SHORT',
        "航班延误不足 2 小时。"),
    ("航班日期在保险期间内", 'policy.start <= risk.flight_date < policy.end',
        'FLIGHT_NOT_COVERED', "航班日期不在保险期间内。"),
    ("未曾赔付", 'history.paid_claims == 0', 'DUPLICATE_CLAIM',
        "本保单已赔付过。"),
    ]
RISK_ATTRIBUTES = [
    ('flight_no', "航班号", 'char'),
    ('flight_date', "航班日期", 'date'),
    ('ticket_price', "票价", 'decimal'),
    ]
# ticket price band: [lower, upper) -> factor
PRICE_BANDS = [(0, 500, '0.80'), (500, 1500, '1.00'), (1500, None, '1.50')]
PLAN = {
    'code': 'STANDARD', 'name': "标准款", 'term_value': 30,
    'term_unit': 'day', 'base_premium': D('5.00'),
    'minimum_premium': D('2.00'), 'sum_insured': D('300.00'),
    }


def create_line(Line):
    line, = Line.create([{
                **LINE,
                'claim_details': [('create', CLAIM_DETAILS)],
                'claim_rules': [('create', [{
                                'sequence': 10 * i, 'name': name,
                                'expression': expression,
                                'rejection_code': code, 'message': message,
                                } for i, (name, expression, code, message)
                            in enumerate(CLAIM_RULES, 1)])],
                }])
    return line


def create_product(Product, Version, line):
    "The product with one published version"
    product, = Product.create([{
                'code': 'FLIGHT_DELAY', 'name': "航班延误险",
                'line': line.id}])
    version, = Version.create([{
                'product': product.id,
                'risk_attributes': [('create', [{
                                'name': name, 'string': string,
                                'type': type_, 'required': True}
                            for name, string, type_ in RISK_ATTRIBUTES])],
                'rating_tables': [('create', [{
                                'code': 'TICKET_PRICE', 'name': "票价系数",
                                'attribute': 'ticket_price', 'match': 'band',
                                'rows': [('create', [{
                                                'lower': D(lower),
                                                'upper': (None if upper is None
                                                    else D(upper)),
                                                'factor': D(factor)}
                                            for lower, upper, factor
                                            in PRICE_BANDS])],
                                }])],
                }])
    table, = version.rating_tables
    Version.write([version], {'plans': [('create', [{
                        **PLAN,
                        'coverages': [('create', [{
                                        'code': 'DELAY', 'name': "航班延误",
                                        'sum_insured': PLAN['sum_insured'],
                                        }])],
                        'rating_factors': [('create', [{'table': table.id}])],
                        }])]})
    Version.publish([version])
    return product

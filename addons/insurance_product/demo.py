"""Demo data: the two products of the seed, each with one published version.

load() is idempotent: it looks products up by code and creates only what is
missing (a product without any version gets its first version, published).

Pricing choices (CNY):
- RETURN_SHIPPING pays a fixed 12.00 (STANDARD) or 20.00 (PLUS) return
  freight for 90 days; the premium is the base 1.00 / 1.60 times the goods
  category, order-amount band and buyer return-rate band factors, with a
  0.50 floor.
- ACCOUNT_SECURITY covers stolen-account losses for one year up to
  1,000.00 (BASIC) or 10,000.00 (ADVANCED); BASIC is the cheap entry plan
  (3.00) that platforms may upgrade for free to ADVANCED (12.00 list price)
  by endorsement; gold accounts hold larger balances and pay 1.5 times.
"""
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction

D = Decimal


def _attribute(name, string, type_='char', required=False, selection=()):
    return {
        'name': name, 'string': string, 'type': type_, 'required': required,
        'selection': '\n'.join(selection) or None,
        }


def _exact_table(code, name, attribute, factors, default=None):
    return {
        'code': code, 'name': name, 'attribute': attribute, 'match': 'exact',
        'default_factor': default,
        'rows': [{'value': v, 'factor': D(f)} for v, f in factors],
        }


def _band_table(code, name, attribute, bands):
    return {
        'code': code, 'name': name, 'attribute': attribute, 'match': 'band',
        'rows': [{
                'lower': None if lower is None else D(lower),
                'upper': None if upper is None else D(upper),
                'factor': D(f),
                } for lower, upper, f in bands],
        }


def _plan(code, name, term, base, minimum, coverages, tables, rules=()):
    value, unit = term
    sum_insured = max(D(s) for _, _, s in coverages)
    return {
        'code': code, 'name': name, 'term_value': value, 'term_unit': unit,
        'base_premium': D(base), 'minimum_premium': D(minimum),
        'sum_insured': sum_insured,
        'coverages': [{'code': c, 'name': n, 'sum_insured': D(s)}
            for c, n, s in coverages],
        'tables': tables,
        'rules': [{'name': n, 'expression': e, 'error_code': c, 'message': m}
            for n, e, c, m in rules],
        }


ORDER_AMOUNT_RULE = (
    "订单金额范围", "0 < risk.order_amount <= 50000",
    'ORDER_AMOUNT_OUT_OF_RANGE', "订单金额须大于 0 且不超过 50,000.00 元。")
RETURN_SHIPPING_TABLES = ['GOODS_CATEGORY', 'ORDER_AMOUNT', 'RETURN_RATE']
ACCOUNT_ID_RULE = (
    "账户号长度", "len(risk.account_id) <= 64",
    'ACCOUNT_ID_INVALID', "账户号不得超过 64 个字符。")

RETURN_SHIPPING_CLAUSES = '\n'.join([
    "第一条 保险合同构成：本保险合同由本条款、投保须知、电子保单及批单"
    "组成。",
    "第二条 保险责任：在保险期间内，被保险人通过投保时的订单所在平台申"
    "请退货，且卖家确认收到退回商品的，保险人按保单载明的保险金额赔付退"
    "货运费。",
    "第三条 责任免除：虚假退货、未经平台确认的退货、同一订单的重复理赔"
    "，保险人不负赔偿责任。",
    "第四条 保险期间：以电子保单载明的起止时间为准（北京时间）。",
    "第五条 理赔：由平台在卖家确认收货后代为申请，保险人审核通过后赔付"
    "至买家账户。",
    ])
RETURN_SHIPPING_NOTICE = '\n'.join([
    "一、本保险仅承保投保时订单所列商品的退货运费，每一订单限投保一份。",
    "二、请投保人如实告知订单信息；告知不实的，保险人有权解除合同或不承"
    "担赔偿责任。",
    "三、保险期间内可申请退保，保险人按未满期天数比例退还保险费；已发生"
    "赔付的不予退费。",
    "四、如需电子保单或发票，请致电保险人客服热线。",
    ])
ACCOUNT_SECURITY_CLAUSES = '\n'.join([
    "第一条 保险合同构成：本保险合同由本条款、投保须知、电子保单及批单"
    "组成。",
    "第二条 保险责任：在保险期间内，被保险人的支付账户因被他人盗用而发"
    "生资金损失的，保险人在保险金额内按实际损失赔偿。",
    "第三条 责任免除：被保险人本人或其授权人的操作、被保险人故意泄露密"
    "码造成的损失，保险人不负赔偿责任。",
    "第四条 保险期间：以电子保单载明的起止时间为准（北京时间）。",
    "第五条 理赔：被保险人应在发现损失后及时报案，并提供公安机关出具的"
    "报案证明。",
    ])
ACCOUNT_SECURITY_NOTICE = '\n'.join([
    "一、同一支付账户在同一保险期间内仅能投保一份。",
    "二、发现账户被盗用时，请立即冻结账户并报警，同时向保险人报案。",
    "三、保险期间内可申请退保，保险人按未满期天数比例退还保险费；已发生"
    "赔付的不予退费。",
    "四、如需电子保单或发票，请致电保险人客服热线。",
    ])

PRODUCTS = [{
        'code': 'RETURN_SHIPPING',
        'name': "退货运费险",
        'line': 'RETURN_SHIPPING',
        'description': (
            "买家退货时赔付退货运费，按商品类目、订单金额和买家退货率定价。"),
        'clauses': RETURN_SHIPPING_CLAUSES,
        'notice': RETURN_SHIPPING_NOTICE,
        'risk_attributes': [
            _attribute('order_no', "订单号", required=True),
            _attribute('order_amount', "订单金额", 'decimal', required=True),
            _attribute('goods_category', "商品类目", required=True),
            _attribute('return_rate_band', "退货率等级", 'selection',
                selection=['A', 'B', 'C']),
            _attribute('buyer_id', "买家"),
            _attribute('seller_id', "卖家"),
            _attribute('shipping_tracking_no', "物流单号"),
            ],
        'rating_tables': [
            _exact_table('GOODS_CATEGORY', "商品类目系数", 'goods_category', [
                    ('apparel', '1.20'), ('shoes', '1.10'),
                    ('electronics', '0.80'),
                    ], default=D('1.00')),
            _band_table('ORDER_AMOUNT', "订单金额系数", 'order_amount', [
                    (0, 100, '0.90'), (100, 500, '1.00'), (500, None, '1.30'),
                    ]),
            _exact_table('RETURN_RATE', "退货率系数", 'return_rate_band', [
                    ('A', '0.80'), ('B', '1.00'), ('C', '1.50'),
                    ], default=D('1.00')),
            ],
        'plans': [
            _plan('STANDARD', "标准款", (90, 'day'), '1.00', '0.50',
                [('RETURN_FREIGHT', "退货运费", '12.00')],
                RETURN_SHIPPING_TABLES, [ORDER_AMOUNT_RULE]),
            _plan('PLUS', "升级款", (90, 'day'), '1.60', '0.50',
                [('RETURN_FREIGHT', "退货运费", '20.00')],
                RETURN_SHIPPING_TABLES, [ORDER_AMOUNT_RULE]),
            ],
        }, {
        'code': 'ACCOUNT_SECURITY',
        'name': "账户安全险",
        'line': 'ACCOUNT_SECURITY',
        'description': "支付账户被盗用造成的资金损失，按账户等级定价。",
        'clauses': ACCOUNT_SECURITY_CLAUSES,
        'notice': ACCOUNT_SECURITY_NOTICE,
        'risk_attributes': [
            _attribute('account_id', "支付账户", required=True),
            _attribute('account_tier', "账户等级", 'selection',
                selection=['standard', 'gold']),
            ],
        'rating_tables': [
            _exact_table('ACCOUNT_TIER', "账户等级系数", 'account_tier', [
                    ('standard', '1.00'), ('gold', '1.50'),
                    ], default=D('1.00')),
            ],
        'plans': [
            _plan('BASIC', "基础保障", (1, 'year'), '3.00', '1.00',
                [('ACCOUNT_THEFT', "账户盗用损失", '1000.00')],
                ['ACCOUNT_TIER'], [ACCOUNT_ID_RULE]),
            _plan('ADVANCED', "高级保障", (1, 'year'), '12.00', '1.00',
                [('ACCOUNT_THEFT', "账户盗用损失", '10000.00')],
                ['ACCOUNT_TIER'], [ACCOUNT_ID_RULE]),
            ],
        }]


def load():
    "Create the demo products that are missing; return them all"
    return [_load_product(data) for data in PRODUCTS]


def _load_product(data):
    pool = Pool()
    Product = pool.get('insurance.product')
    Version = pool.get('insurance.product.version')
    Line = pool.get('insurance.line')
    with Transaction().set_context(active_test=False):
        products = Product.search([('code', '=', data['code'])], limit=1)
    if products:
        product, = products
    else:
        line, = Line.search([('code', '=', data['line'])])
        product, = Product.create([{
                    'line': line.id,
                    **{k: data[k] for k in ('code', 'name', 'description')},
                    }])
    if not product.versions:
        version = _create_version(product, data)
        Version.publish([version])
    return product


def _create_version(product, data):
    pool = Pool()
    Version = pool.get('insurance.product.version')
    version, = Version.create([{
                'product': product.id,
                'clauses': data['clauses'],
                'notice': data['notice'],
                'risk_attributes': [('create', data['risk_attributes'])],
                'rating_tables': [('create', [
                            {**t, 'rows': [('create', t['rows'])]}
                            for t in data['rating_tables']])],
                }])
    tables = {t.code: t.id for t in version.rating_tables}
    Version.write([version], {
            'plans': [('create', [
                        _plan_values(p, tables) for p in data['plans']])],
            })
    return version


def _plan_values(plan, tables):
    values = {k: v for k, v in plan.items() if k not in {'tables', 'rules'}}
    values['coverages'] = [('create', plan['coverages'])]
    values['rating_factors'] = [('create', [
                {'table': tables[code]} for code in plan['tables']])]
    values['rules'] = [('create', plan['rules'])]
    return values

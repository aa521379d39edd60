"Builders of the records the tests of insurance_channel need"
from decimal import Decimal

from trytond.pool import Pool


def create_channel(code='SHOP', state=None, **values):
    pool = Pool()
    Channel = pool.get('insurance.channel')
    channel, = Channel.create([{
                'code': code,
                'name': code.title(),
                'kind': 'ecommerce',
                **values,
                }])
    if state == 'closed':
        Channel.close([channel])
    return channel


def create_user(login, group):
    "A user in the insurance_product group of XML id group"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'login': login,
                'name': login.title(),
                'groups': [('add', [
                            ModelData.get_id('insurance_product', group)])],
                }])
    return user


def create_product_version(code='RETURN_SHIPPING', plan_codes=('STANDARD',),
        publish=True, product=None):
    "A version of product code with a plan per code, published by default"
    pool = Pool()
    Product = pool.get('insurance.product')
    Version = pool.get('insurance.product.version')
    Line = pool.get('insurance.line')
    if product is None:
        line, = Line.search([('code', '=', 'RETURN_SHIPPING')])
        product, = Product.create([{
                    'code': code, 'name': code.title(), 'line': line.id,
                    }])
    version, = Version.create([{
                'product': product.id,
                'risk_attributes': [('create', [{
                                'name': 'order_no', 'type': 'char',
                                'required': True}])],
                'plans': [('create', [{
                                'code': plan_code,
                                'name': plan_code.title(),
                                'term_value': 90,
                                'term_unit': 'day',
                                'base_premium': Decimal('1.00'),
                                'minimum_premium': Decimal('0.50'),
                                'sum_insured': Decimal('12.00'),
                                } for plan_code in plan_codes])],
                }])
    if publish:
        Version.publish([version])
    return version


def create_contract(channel, product_version, activate=True, **values):
    "A contract granting every plan of product_version"
    pool = Pool()
    Contract = pool.get('insurance.contract')
    contract, = Contract.create([{
                'channel': channel.id,
                'product_version': product_version.id,
                'plans': [('add', [p.id for p in product_version.plans])],
                **values,
                }])
    if activate:
        Contract.activate([contract])
    return contract


def assert_views_readable(record):
    "The current user can open record in its form and list views"
    Model = record.__class__
    for view_type in ['form', 'tree']:
        fields = Model.fields_view_get(view_type=view_type)['fields']
        assert Model.read([record.id], list(fields))

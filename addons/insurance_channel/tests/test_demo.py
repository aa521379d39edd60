from trytond.modules.insurance_channel import demo
from trytond.modules.insurance_product import demo as product_demo
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

DEMO_KEYS = {'TAOMALL': 'ick_demo_taomall_0123456789abcdefghijklmnopqrstuv'}


@with_transaction()
def test_demo_is_idempotent():
    pool = Pool()
    Channel = pool.get('insurance.channel')
    Contract = pool.get('insurance.contract')
    ApiKey = pool.get('insurance.channel.api_key')
    product_demo.load()

    for _ in range(2):
        taomall, zhifupay = demo.load(api_keys=DEMO_KEYS)

    assert Channel.search_count([]) == 2
    assert Contract.search_count([('state', '=', 'active')]) == 2
    assert ApiKey.search_count([]) == 1
    assert ApiKey.authenticate(DEMO_KEYS['TAOMALL']).channel == taomall
    assert not zhifupay.api_keys

    shipping = Contract.find_for(taomall, 'RETURN_SHIPPING')
    assert shipping.grants_plan('STANDARD') and shipping.grants_plan('PLUS')
    assert shipping.grants_operation('claim')
    assert not shipping.grants_operation('endorse')
    security = Contract.find_for(zhifupay, 'ACCOUNT_SECURITY')
    assert security.grants_plan('BASIC') and security.grants_plan('ADVANCED')
    assert all(security.grants_operation(op) for op in ['endorse', 'renew'])

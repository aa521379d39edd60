"Builders of the records the tests of insurance_channel need"
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

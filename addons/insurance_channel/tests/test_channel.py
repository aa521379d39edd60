import pytest

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.insurance_channel.exceptions import ChannelValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, check_access

from .tools import assert_views_readable, create_channel, create_user


@with_transaction()
def test_close_and_reopen():
    pool = Pool()
    Channel = pool.get('insurance.channel')
    channel = create_channel()
    assert channel.state == 'open'

    Channel.close([channel])
    assert channel.state == 'closed'

    Channel.reopen([channel])
    assert channel.state == 'open'


@with_transaction()
def test_defaults_and_webhook_secret():
    pool = Pool()
    Channel = pool.get('insurance.channel')
    channel = create_channel()
    assert channel.rate_limit == 50
    assert channel.settlement == 'monthly'
    secret = channel.webhook_secret
    assert len(secret) >= 40
    assert create_channel('OTHER').webhook_secret != secret

    Channel.regenerate_webhook_secret([channel])
    assert channel.webhook_secret not in {None, secret}


@with_transaction()
def test_callback_url_must_be_http():
    channel = create_channel(callback_url='https://partner.example/hook')
    channel.callback_url = 'http://127.0.0.1:9000/callbacks'
    channel.save()

    for url in ['ftp://partner.example/', 'partner.example/hook', 'https://']:
        channel.callback_url = url
        with pytest.raises(ChannelValidationError):
            channel.save()


@with_transaction()
def test_ip_allowlist():
    channel = create_channel()
    assert channel.ip_allowed('203.0.113.7')

    channel.ip_allowlist = '203.0.113.7\n10.1.0.0/16\n2001:db8::/32\n'
    channel.save()
    assert channel.ip_allowed('203.0.113.7')
    assert not channel.ip_allowed('203.0.113.8')
    assert channel.ip_allowed('10.1.255.4')
    assert not channel.ip_allowed('10.2.0.1')
    assert channel.ip_allowed('2001:db8::1')
    assert channel.ip_allowed('::ffff:10.1.0.9')
    assert not channel.ip_allowed('not an address')


@with_transaction()
def test_ip_allowlist_refuses_invalid_entry():
    channel = create_channel()
    for entry in ['10.0.0.256', '10.0.0.0/33', 'localhost']:
        channel.ip_allowlist = f'10.0.0.1\n{entry}'
        with pytest.raises(ChannelValidationError, match=entry):
            channel.save()


@with_transaction()
def test_contacts():
    channel = create_channel(contacts=[('create', [{
                        'name': "王五", 'role': "technical",
                        'phone': '+86 10 1234 5678',
                        'email': 'tech@partner.example',
                        }])])
    contact, = channel.contacts
    assert contact.name == "王五"


@with_transaction()
def test_business_staff_writes_channels_underwriter_cannot():
    pool = Pool()
    Channel = pool.get('insurance.channel')
    channel = create_channel()
    business = create_user('business', 'group_business')
    underwriter = create_user('underwriter', 'group_underwriter')

    with Transaction().set_user(business.id), check_access():
        Channel.write([Channel(channel.id)], {'name': "Renamed"})
        Channel.close([Channel(channel.id)])
    with Transaction().set_user(underwriter.id), check_access():
        assert Channel(channel.id).name == "Renamed"
        with pytest.raises(AccessError):
            Channel.write([Channel(channel.id)], {'name': "Again"})
        with pytest.raises(AccessButtonError):
            Channel.reopen([Channel(channel.id)])


@with_transaction()
def test_only_admin_reads_webhook_secret():
    pool = Pool()
    Channel = pool.get('insurance.channel')
    channel = create_channel()
    business = create_user('business', 'group_business')
    admin = create_user('manager', 'group_insurance_admin')

    with Transaction().set_user(admin.id), check_access():
        assert Channel.read([channel.id], ['webhook_secret'])
    with Transaction().set_user(business.id), check_access():
        with pytest.raises(AccessError):
            Channel.read([channel.id], ['webhook_secret'])
        # and a channel they create still gets its secret
        other, = Channel.create([{
                    'code': 'NEW', 'name': "New", 'kind': 'payment'}])
    assert Channel(other.id).webhook_secret


@with_transaction()
def test_every_staff_role_opens_the_channel_form():
    pool = Pool()
    Channel = pool.get('insurance.channel')
    channel = create_channel()
    roles = ['group_finance', 'group_analyst', 'group_underwriter',
        'group_customer_service', 'group_claims', 'group_business',
        'group_insurance_admin']

    for role in roles:
        user = create_user(role, role)
        with Transaction().set_user(user.id), check_access():
            assert_views_readable(channel)
            hidden = {'api_keys', 'webhook_secret'} - set(
                Channel.fields_view_get(view_type='form')['fields'])
            if role == 'group_insurance_admin':
                assert not hidden
            elif role != 'group_business':
                assert hidden == {'api_keys', 'webhook_secret'}

"""Callback URLs may not lead to this machine or private networks
(issue 11, item 7): refused when saved, and again at delivery (see
insurance_claim's test_callback)."""
import ipaddress

import pytest

from trytond.modules.insurance_channel import callback_target
from trytond.modules.insurance_channel.exceptions import ChannelValidationError
from trytond.tests.test_tryton import activate_module, with_transaction

from .tools import callbacks_allowed_to, create_channel

REFUSED = [
    'http://127.0.0.1:9000/callbacks',
    'https://127.0.0.1/callbacks',
    'https://localhost/callbacks',
    'https://10.1.2.3/callbacks',
    'https://172.16.0.1/callbacks',
    'https://192.168.1.10/callbacks',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/callbacks',
    'https://0.0.0.0/callbacks',
    'https://[::1]/callbacks',
    'https://[fe80::1]/callbacks',
    'https://[::ffff:127.0.0.1]/callbacks',
    'https://2130706433/callbacks',  # 127.0.0.1 written as a number
    'http://203.0.113.7/callbacks',  # public needs https (TEST-NET here)
    'http://partner.example/callbacks',
    'ftp://partner.example/', 'partner.example/hook', 'https://',
    # malformed beyond what urlsplit or the resolver accept (no exception
    # of theirs escapes, on save nor at delivery)
    'https://[::1/callbacks', 'https://' + 'a' * 64 + '.example/hook',
    'https://partner..example/hook',
    ]


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_channel')


@with_transaction()
def test_private_and_plain_http_targets_refused_on_save():
    channel = create_channel()
    for url in REFUSED:
        channel.callback_url = url
        with pytest.raises(ChannelValidationError):
            channel.save()
    for url in ['https://partner.example/hook', 'https://8.8.8.8/hook']:
        channel.callback_url = url
        channel.save()


@with_transaction()
def test_allowlist_admits_a_private_network_with_or_without_tls():
    channel = create_channel()
    with callbacks_allowed_to('127.0.0.0/8, 10.8.0.0/16'):
        for url in ['http://127.0.0.1:9000/callbacks',
                'http://10.8.3.4/callbacks', 'https://127.0.0.2/hook']:
            channel.callback_url = url
            channel.save()
        channel.callback_url = 'http://10.9.0.1/callbacks'
        with pytest.raises(ChannelValidationError):
            channel.save()


def test_every_resolved_address_is_checked():
    def resolver(host, port):
        return [ipaddress.ip_address('8.8.8.8'),
            ipaddress.ip_address('10.0.0.1')]
    with pytest.raises(callback_target.ForbiddenTarget):
        callback_target.checked_addresses(
            'https://partner.test/hook', resolver)

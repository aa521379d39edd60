"""Secrets cannot be searched, sorted or read over RPC, by any role: a search
on a hash or a token answers one prefix at a time (issue 11, item 2)."""
import string

import pytest

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from .tools import create_channel, create_user

ROLES = ['group_insurance_admin', 'group_underwriter', 'group_business',
    'group_customer_service', 'group_claims', 'group_finance',
    'group_analyst']
SECRETS = {
    'res.user': ['password_hash', 'password_reset'],
    'insurance.channel.api_key': ['key_hash'],
    'insurance.channel': ['webhook_secret'],
    }
# The same secrets reached through a relation of another model
PATHS = {
    'res.user': ['create_uid.password_hash'],
    'insurance.contract': ['channel.webhook_secret'],
    'insurance.channel': ['api_keys.key_hash', 'write_uid.password_reset'],
    }

# The same secrets in a clause nested in a relation's `where`, which trytond
# converts without access checks
NESTED = {
    'res.user': ('create_uid', 'password_hash'),
    'insurance.contract': ('channel', 'webhook_secret'),
    'insurance.channel': ('api_keys', 'key_hash'),
    }


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_channel')


def refused(Model, domain=(), order=None):
    "Whether the search is refused rather than answered"
    try:
        Model.search_count(list(domain)) if order is None else Model.search(
            list(domain), order=order)
    except (AccessError, NotImplementedError):
        return True
    return False


@with_transaction()
def test_no_role_searches_sorts_or_reads_a_secret():
    pool = Pool()
    create_channel()
    for role in ROLES:
        user = create_user(role[len('group_'):], role)
        with Transaction().set_user(user.id), check_access():
            for model, names in (SECRETS | PATHS).items():
                Model = pool.get(model)
                for name in names:
                    assert refused(Model, [(name, 'like', '$%')]), (role, name)
                    assert refused(Model, order=[(name, 'ASC')]), (role, name)
            for model, names in SECRETS.items():
                with pytest.raises(AccessError):
                    pool.get(model).read([1], names)


@with_transaction()
def test_no_role_searches_a_secret_in_a_nested_clause():
    pool = Pool()
    create_channel()
    for role in ROLES:
        user = create_user(role[len('group_'):], role)
        # as over sao's JSON-RPC: a request of the user
        with Transaction().set_user(user.id), check_access(), \
                Transaction().set_context(_request={}):
            for model, (relation, secret) in NESTED.items():
                assert refused(pool.get(model), [
                        (relation, 'where', [(secret, 'like', '$%')])]), (
                    role, model)
    # the partner API, workers and crons (user 0) search as they need
    assert pool.get('res.user').search_count(
        [('create_uid', 'where', [('password_hash', 'like', '$%')])]) >= 0


@with_transaction()
def test_password_hash_prefix_oracle_learns_nothing():
    User = Pool().get('res.user')
    admin, = User.search([('login', '=', 'admin')])
    User.write([admin], {'password': 'Adm1n-secret-2026'})
    service = create_user('service', 'group_customer_service')
    answers = 0
    with Transaction().set_user(service.id), check_access():
        for character in '$' + string.ascii_letters + string.digits:
            try:
                User.search_count([
                        ('login', '=', 'admin'),
                        ('password_hash', 'like', character + '%'),
                        ])
                answers += 1
            except AccessError:
                pass
    assert answers == 0


@with_transaction()
def test_administrators_still_see_the_webhook_secret():
    Channel = Pool().get('insurance.channel')
    channel = create_channel()
    admin = create_user('manager', 'group_insurance_admin')
    with Transaction().set_user(admin.id), check_access():
        shown, = Channel.read([channel.id], ['webhook_secret_shown'])
        assert refused(Channel, [('webhook_secret_shown', '=', 'x')])
        assert refused(Channel, order=[('webhook_secret_shown', 'ASC')])
    assert shown['webhook_secret_shown'] == channel.webhook_secret

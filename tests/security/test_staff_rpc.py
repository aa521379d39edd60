"""The attacks of issue 11 by staff of the demo data over JSON-RPC, as sao's
JSON-RPC carries them, against the demo server: each is refused."""
from ..api.applications import account_security
from .staff import Staff, decimal


def test_money_moves_only_through_the_workflow(
        demo_server, demo_database, zhifupay):
    issued = zhifupay.post('/policies', account_security()).json()
    assert issued['sum_insured'] == '1000.00'
    service = Staff(demo_server, demo_database, 'service')
    claims = Staff(demo_server, demo_database, 'claims')
    policy, = service.model(
        'insurance.policy', 'search', [('number', '=', issued['policy_no'])])

    assert service.error('insurance.claim', 'create', [{
                'policy': policy, 'claimed_amount': decimal('999.00'),
                'state': 'paid', 'paid_amount': decimal('999.00')}])
    claim, = service.model('insurance.claim', 'create', [{
                'policy': policy, 'claimed_amount': decimal('999.00'),
                'details': {
                    'theft_report': "Stolen account, police report 2026-17"}}])
    claims.model('insurance.claim', 'take', [claim])
    assert claims.error('insurance.claim', 'write', [claim], {
            'state': 'paid', 'paid_amount': decimal('50000.00')})
    # more than the sum insured: refused as written, the suggestion stays
    assert claims.error('insurance.claim', 'write', [claim], {
            'approved_amount': decimal('50000.00')})

    state, = claims.model('insurance.claim', 'read', [claim],
        ['state', 'approved_amount', 'paid_amount', 'paid_at'])
    assert (state['state'], state['paid_amount'], state['paid_at']) == (
        'under_review', None, None)
    assert state['approved_amount'] == decimal('999.00')


def test_no_staff_role_searches_the_admin_password_hash(
        demo_server, demo_database):
    for login in ['service', 'claims', 'analyst', 'manager']:
        staff = Staff(demo_server, demo_database, login)
        assert staff.error('res.user', 'search_count', [
                ('login', '=', 'admin'),
                ('password_hash', 'like', '$argon2id$%')]), login
        # nor in a clause nested in a relation (converted without checks)
        assert staff.error('res.user', 'search_count', [
                ('login', '=', login), ('create_uid', 'where', [
                        ('password_hash', 'like', '$argon2id$%')])]), login

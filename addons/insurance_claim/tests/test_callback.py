"""Delivery of callbacks to a real HTTP receiver on 127.0.0.1.

The data is committed: delivery runs its own short transactions. The clock
of delivery is driven by the tests instead of waiting for the backoff.
"""
import datetime as dt
import hashlib
import hmac
import ipaddress
import time
from decimal import Decimal

import pytest

from trytond import backend
from trytond.modules.insurance_base.timezone import utcnow
from trytond.modules.insurance_claim import callback as callback_module
from trytond.modules.insurance_claim.delivery import (
    Callback,
    post,
    retry_delay,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .receiver import Receiver, unused_url
from .tools import (
    callbacks_allowed_to,
    create_channel,
    create_contract,
    create_policy,
    file_claim,
)


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_claim')
    # The receiver listens on 127.0.0.1, refused unless allowed
    with callbacks_allowed_to('127.0.0.0/8'):
        yield


class Clock:
    """Starts a second after its first reading, not its creation: filing a
    claim on a loaded machine can take longer than a second"""

    def __init__(self):
        self.now = None

    def __call__(self):
        if self.now is None:
            self.now = utcnow() + dt.timedelta(seconds=1)
        return self.now

    def advance(self, delta):
        self()
        self.now += delta


class SimulatedCrash(BaseException):
    "The worker dies"


def handled_claim(code, url):
    "An account-security claim taken by a handler: one event (under_review)"
    Claim = Pool().get('insurance.claim')
    contract = create_contract(
        create_channel(code, callback_url=url), 'ACCOUNT_SECURITY')
    claim = file_claim(create_policy(contract), None, amount='10.00')
    Claim.take([claim])
    return claim


def deliver(claim, clock):
    "Commit, deliver the due events of claim and return them as stored"
    CallbackEvent = Pool().get('insurance.callback.event')
    transaction = Transaction()
    transaction.commit()
    CallbackEvent.deliver(
        CallbackEvent.search([('claim', '=', claim.id)]), clock=clock)
    transaction.commit()
    with transaction.new_transaction():
        return [(e.event_id, e.state, e.attempts) for e in
            CallbackEvent.search([('claim', '=', claim.id)],
                order=[('sequence', 'ASC')])]


@with_transaction()
def test_signature_verifiable_with_channel_secret():
    with Receiver() as receiver:
        claim = handled_claim('SIGNED', receiver.url)
        (event_id, state, attempts), = deliver(claim, Clock())

    assert (state, attempts) == ('delivered', 1)
    received, = receiver.received
    headers = received.headers
    assert headers['X-Event-Id'] == event_id
    signed = headers['X-Timestamp'].encode() + b'.' + received.body
    expected = hmac.new(claim.channel.webhook_secret.encode(), signed,
        hashlib.sha256).hexdigest()
    assert headers['X-Signature'] == f'sha256={expected}'
    event = received.event
    assert event['event_id'] == event_id
    assert event['event_type'] == 'claim.status_changed'
    assert event['occurred_at'].endswith('+08:00')
    assert event['data'] == {
        'claim_no': claim.number, 'policy_no': claim.policy.number,
        'status': 'under_review', 'previous_status': 'submitted',
        'paid_amount': None, 'rejection_reason': None}


@with_transaction()
def test_retried_with_backoff_then_delivered_once_in_order():
    Claim = Pool().get('insurance.claim')
    clock = Clock()
    with Receiver(statuses=[500, 500, 500]) as receiver:
        claim = handled_claim('FLAKY', receiver.url)
        Claim.approve([claim])  # a second event, to come after the first
        first, second = [e.event_id
            for e in sorted(claim.callback_events, key=lambda e: e.sequence)]

        for attempt in range(1, 4):
            deliver(claim, clock)
            deliver(claim, clock)  # not due again before the backoff
            clock.advance(retry_delay(attempt))
        deliver(claim, clock)  # the fourth attempt succeeds
        events = deliver(claim, clock)  # only then the second is due

    assert receiver.event_ids == [first] * 4 + [second]
    assert events == [(first, 'delivered', 4), (second, 'delivered', 1)]


@with_transaction()
def test_receiver_down_for_the_window_then_resent():
    pool = Pool()
    CallbackEvent = pool.get('insurance.callback.event')
    Channel = pool.get('insurance.channel')
    clock = Clock()
    started = clock()
    claim = handled_claim('DOWN', unused_url())

    state = 'pending'
    while state == 'pending':
        (_, state, attempts), = deliver(claim, clock)
        clock.advance(retry_delay(attempts))
    assert state == 'failed'
    assert attempts == 14
    assert dt.timedelta(hours=20) < clock() - started < dt.timedelta(hours=30)

    with Receiver() as receiver:
        Channel.write([claim.channel], {'callback_url': receiver.url})
        event, = CallbackEvent.search([('claim', '=', claim.id)])
        CallbackEvent.resend([event])
        assert (event.state, event.attempts) == ('pending', 0)
        (event_id, state, attempts), = deliver(claim, clock)
    assert (state, attempts) == ('delivered', 1)
    assert receiver.event_ids == [event_id]


@with_transaction()
def test_crash_after_the_call_sends_again(monkeypatch):
    CallbackEvent = Pool().get('insurance.callback.event')
    clock = Clock()

    def crash(cls, *args):
        raise SimulatedCrash
    with Receiver() as receiver:
        claim = handled_claim('CRASH', receiver.url)
        with monkeypatch.context() as patch:
            patch.setattr(
                CallbackEvent, '_record_outcome', classmethod(crash))
            with pytest.raises(SimulatedCrash):
                deliver(claim, clock)
        Transaction().rollback()
        (event_id, state, attempts), = deliver(claim, clock)
        assert (state, attempts) == ('pending', 1)  # not due yet

        clock.advance(retry_delay(1))
        (_, state, attempts), = deliver(claim, clock)
    assert (state, attempts) == ('delivered', 2)
    assert receiver.event_ids == [event_id, event_id]


@with_transaction()
def test_unreachable_channel_does_not_delay_others(monkeypatch):
    """An unreachable channel does not stop the others' delivery, nor does a
    database error (a conflict, a connection lost) as the healthy channel's
    attempt starts: the attempt is retried in the same run. (This test was
    flaky under load when such an error ended the run: the healthy event was
    its round's only chance of an arrival.)"""
    CallbackEvent = Pool().get('insurance.callback.event')
    start_attempt = CallbackEvent._start_attempt.__func__
    clock = Clock()
    with Receiver() as receiver:
        down = handled_claim('DEAD', unused_url())
        up = handled_claim('ALIVE', receiver.url)
        up_event, = up.callback_events
        failed = []

        def fail_once_on_up(cls, event_id, now):
            if event_id == up_event.id and not failed:
                failed.append(event_id)
                raise backend.DatabaseOperationalError("connection lost")
            return start_attempt(cls, event_id, now)
        monkeypatch.setattr(
            CallbackEvent, '_start_attempt', classmethod(fail_once_on_up))
        Transaction().commit()
        CallbackEvent.deliver(
            CallbackEvent.search([('claim', 'in', [down.id, up.id])]),
            clock=clock)
        Transaction().commit()
    states = {e.claim.id: (e.state, e.attempts) for e in
        CallbackEvent.search([('claim', 'in', [down.id, up.id])])}
    assert failed
    assert states == {down.id: ('pending', 1), up.id: ('delivered', 1)}
    assert len(receiver.received) == 1


@with_transaction()
def test_slow_channel_does_not_delay_others():
    CallbackEvent = Pool().get('insurance.callback.event')
    with Receiver(delay=3) as slow, Receiver() as fast:
        claims = [handled_claim('SLOW', slow.url),
            handled_claim('FAST', fast.url)]
        Transaction().commit()
        started = time.monotonic()
        CallbackEvent.deliver(
            CallbackEvent.search([('claim', 'in', claims)]), clock=Clock())
    assert fast.received[0].at - started < 1
    assert len(slow.received) == 1


def test_payload_money_and_reason():
    claim = {
        'number': 'C1', 'policy.': {'number': 'P1'}, 'state': 'rejected',
        'paid_amount': None, 'rejection_code': 'INVALID_TRACKING_NO',
        'rejection_text': "Malformed"}
    body = callback_module.payload(
        'e-1', dt.datetime(2026, 11, 24, 2), claim, 'submitted')
    assert body['occurred_at'] == '2026-11-24T10:00:00+08:00'
    assert body['data'] == {
        'claim_no': 'C1', 'policy_no': 'P1', 'status': 'rejected',
        'previous_status': 'submitted', 'paid_amount': None,
        'rejection_reason': {
            'code': 'INVALID_TRACKING_NO', 'message': "Malformed"}}
    paid = callback_module.payload('e-2', dt.datetime(2026, 11, 24, 2),
        {**claim, 'state': 'paid', 'paid_amount': Decimal('12')}, 'submitted')
    assert paid['data']['paid_amount'] == '12.00'
    assert paid['data']['rejection_reason'] is None


@with_transaction()
def test_private_receiver_gets_nothing_once_not_allowed():
    with Receiver() as receiver:
        claim = handled_claim('PRIVATE', receiver.url)
        with callbacks_allowed_to(''):
            (_, state, attempts), = deliver(claim, Clock())
    assert (state, attempts) == ('pending', 1)
    assert claim.callback_events[0].last_error.startswith('Not sent:')
    assert receiver.received == []


def test_delivery_connects_to_the_address_it_checked():
    """A name rebound to a private address is not followed; a checked
    address is the one connected to, under the URL's host name"""
    def rebound(host, port):
        return [ipaddress.ip_address('127.0.0.1')]
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        callback = Callback(event_id='E-1',
            url=f'http://partner.test:{port}/cb', secret='s', body=b'{}')
        with callbacks_allowed_to(''):
            refused = post(callback, utcnow(), resolver=rebound)
        delivered = post(callback, utcnow(), resolver=rebound)
    assert not refused.delivered and refused.status is None
    assert delivered.delivered
    received, = receiver.received
    assert received.headers['Host'] == f'partner.test:{port}'

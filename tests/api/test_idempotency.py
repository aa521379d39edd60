"""Idempotency-Key on every POST, as the contract says."""
import json
import uuid

import pytest

from .applications import error_code, return_shipping


def test_same_key_and_body_replays_the_first_answer(taomall):
    body, key = return_shipping(), uuid.uuid4().hex
    first = taomall.post('/policies', body, idempotency_key=key)

    again = taomall.post('/policies', body, idempotency_key=key)

    assert first.status_code == again.status_code == 201
    assert again.content == first.content


def test_replay_ignores_how_the_json_is_spelled(taomall):
    body, key = return_shipping(), uuid.uuid4().hex
    first = taomall.post('/quotes', body, idempotency_key=key)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)

    again = taomall.post_raw('/quotes', reordered.encode(),
        idempotency_key=key)

    assert again.status_code == 200
    assert again.content == first.content


def test_same_key_with_another_body_is_a_conflict(taomall):
    key = uuid.uuid4().hex
    taomall.post('/quotes', return_shipping(), idempotency_key=key)

    response = taomall.post('/quotes', return_shipping(),
        idempotency_key=key)

    assert response.status_code == 409
    assert error_code(response) == 'IDEMPOTENCY_KEY_REUSED'


def test_same_key_on_another_path_is_a_conflict(taomall):
    body, key = return_shipping(), uuid.uuid4().hex
    taomall.post('/quotes', body, idempotency_key=key)

    response = taomall.post('/policies', body, idempotency_key=key)

    assert error_code(response) == 'IDEMPOTENCY_KEY_REUSED'


def test_keys_belong_to_their_channel(taomall, client_of):
    body, key = return_shipping(), uuid.uuid4().hex
    taomall.post('/quotes', body, idempotency_key=key)

    response = client_of('NOQUERY').post('/quotes', body,
        idempotency_key=key)

    assert response.status_code == 200


def test_a_refusal_is_replayed_too(taomall):
    body, key = return_shipping(order_amount='99999.00'), uuid.uuid4().hex
    first = taomall.post('/policies', body, idempotency_key=key)

    again = taomall.post('/policies', body, idempotency_key=key)

    assert first.status_code == again.status_code == 422
    assert again.content == first.content


@pytest.mark.parametrize('key', [None, '', 'x' * 65, 'tab\there', 'é'])
def test_a_missing_or_malformed_key_is_refused(taomall, key):
    response = taomall.post_raw('/policies',
        json.dumps(return_shipping()).encode('utf-8'),
        idempotency_key=None,
        **({} if key is None else {'Idempotency-Key': key}))

    assert response.status_code == 400
    assert error_code(response) == 'IDEMPOTENCY_KEY_REQUIRED'


def test_a_key_of_64_printable_characters_is_fine(taomall):
    key = '~!' * 16 + uuid.uuid4().hex

    response = taomall.post('/quotes', return_shipping(), idempotency_key=key)

    assert response.status_code == 200

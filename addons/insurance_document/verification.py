"""The verification code (验证码) of an e-policy.

The code is an HMAC-SHA256 of the policy number under a secret that only
the server knows (insurance.document.configuration), cut to 80 bits and
written in base 32: whoever holds a document cannot forge the code of
another policy number, and the server checks a code by computing it again.
The QR code on the document carries the number and the code together.
"""
import hashlib
import hmac
import re
from base64 import b32encode
from urllib.parse import parse_qs

CODE_BYTES = 10  # 80 bits: 16 base-32 characters
GROUP = 4
PAYLOAD = 'policy_no={number}&code={code}'
SEPARATORS = re.compile(r'[\s\-]')


def verification_code(secret, number):
    "The code of policy number under secret, as XXXX-XXXX-XXXX-XXXX"
    digest = hmac.new(
        secret.encode(), number.encode(), hashlib.sha256).digest()
    text = b32encode(digest[:CODE_BYTES]).decode()
    return '-'.join(
        text[i:i + GROUP] for i in range(0, len(text), GROUP))


def normalised(code):
    "The code as typed by a person: any case, with or without separators"
    return SEPARATORS.sub('', code or '').upper()


def is_genuine(secret, number, code):
    expected = normalised(verification_code(secret, number))
    return hmac.compare_digest(expected, normalised(code))


def qr_payload(number, code):
    "The text the QR code of a document encodes"
    return PAYLOAD.format(number=number, code=code)


def read_payload(text):
    "The (number, code) of a scanned QR code's text, or None"
    values = parse_qs((text or '').strip())
    numbers, codes = values.get('policy_no'), values.get('code')
    if numbers and codes:
        return numbers[0], codes[0]
    return None

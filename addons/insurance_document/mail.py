"""Emails to customers, sent through trytond's email settings ([email] uri)
and kept as ir.email records on what they are about (who, when, to whom).

trytond sends them when the transaction commits: an email is never sent for
a change that was rolled back, and an unreachable mail server fails the
change instead of losing the email."""
import re
from email.utils import parseaddr

from trytond.i18n import gettext
from trytond.pool import Pool

from .exceptions import EmailAddressError

ADDRESS = re.compile(r'[^@\s]+@[^@\s]+\.[^@\s.]+\Z')
LANGUAGE = 'zh_CN'


def checked_address(text):
    "The address of text, or raise EmailAddressError"
    _, address = parseaddr(text or '')
    if not ADDRESS.match(address):
        raise EmailAddressError(gettext(
                'insurance_document.msg_email_address_invalid',
                address=text or ''))
    return address


def send(record, to, subject_message, body_message, files=None,
        reports=None, **variables):
    """Email record's customer at to, in Chinese; return the ir.email

    subject_message and body_message are the ids of messages (body in
    HTML) formatted with variables; files are (name, bytes), reports the
    ids of report actions run on record."""
    Email = Pool().get('ir.email')
    address = checked_address(to)
    return Email.send(to=address,
        subject=gettext(subject_message, language=LANGUAGE, **variables),
        body=gettext(body_message, language=LANGUAGE, **variables),
        files=files, reports=reports, record=[record.__name__, record.id])

"""A real SMTP server for the tests, collecting what it receives."""
import email
import email.policy
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller

from trytond import config
from trytond.sendmail import SMTPDataManager
from trytond.transaction import Transaction


class MailSink:
    "The messages an SMTP server received, as email.message objects"

    def __init__(self, uri=None):
        self.uri = uri
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return '250 OK'

    def wait_for(self, to, subject_part='', timeout=30):
        "The first message to the address to whose subject has the part"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for message in self.messages:
                    if to in message['To'] and subject_part in str(
                            message['Subject']):
                        return message
            time.sleep(0.1)
        raise TimeoutError(f"no email to {to} about {subject_part!r}")


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server():
    "Yield the MailSink of an SMTP server listening on 127.0.0.1"
    port = free_port()
    sink = MailSink(f'smtp://127.0.0.1:{port}')
    controller = Controller(sink, hostname='127.0.0.1', port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def attachments(message):
    "{file name: bytes} of the message's attachments"
    return {part.get_filename(): part.get_payload(decode=True)
        for part in message.iter_attachments()}


@pytest.fixture
def mail_server():
    "An SMTP server, and trytond's [email] uri pointing at it"
    with smtp_server() as sink:
        previous = config.get('email', 'uri')
        config.set('email', 'uri', sink.uri)
        try:
            yield sink
        finally:
            config.set('email', 'uri', previous)


def deliver():
    """Send the emails of the transaction as its commit would, without
    committing: the test database is shared by the whole test run"""
    transaction = Transaction()
    for manager in transaction._datamanagers:
        if isinstance(manager, SMTPDataManager):
            manager.tpc_begin(transaction)
            manager.commit(transaction)
            manager.tpc_vote(transaction)
            manager.tpc_finish(transaction)

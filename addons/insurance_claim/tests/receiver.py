"""A real HTTP receiver of callbacks on 127.0.0.1, run in a thread.

It answers the statuses it is given in turn (then 200) and keeps every
request it got, in order of arrival. It may go away (stop) and come back on
the same port (restart).
"""
import json
import select
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    headers: dict
    body: bytes
    at: float  # time.monotonic() of arrival

    @property
    def event(self):
        return json.loads(self.body)


class Receiver:

    def __init__(self, statuses=(), delay=0):
        "delay: seconds the receiver takes to answer each request"
        self.statuses = list(statuses)
        self.delay = delay
        self.received = []
        # received and answered to a sender still waiting, or whose sender
        # was gone (killed) before the answer
        self.answered = []
        self.abandoned = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), self._handler())
        self.address = self.server.server_address

    @property
    def url(self):
        host, port = self.address
        return f'http://{host}:{port}/callbacks'

    @property
    def in_flight(self):
        "How many requests it got and is still to answer"
        with self._lock:
            return (len(self.received) - len(self.answered)
                - len(self.abandoned))

    def __enter__(self):
        threading.Thread(
            target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self):
        "Go away: connections to its port are refused"
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def restart(self):
        "Come back on the same port"
        self.server = ThreadingHTTPServer(self.address, self._handler())
        return self.__enter__()

    def next_status(self, request):
        with self._lock:
            self.received.append(request)
            return self.statuses.pop(0) if self.statuses else 200

    def settle(self, request, sender_waits):
        with self._lock:
            (self.answered if sender_waits else self.abandoned).append(
                request)

    @property
    def event_ids(self):
        return [r.headers['X-Event-Id'] for r in self.received]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers['Content-Length'])
                request = Received(dict(self.headers),
                    self.rfile.read(length), time.monotonic())
                status = receiver.next_status(request)
                time.sleep(receiver.delay)
                receiver.settle(request, sender_waits(self.connection))
                self.send_response(status)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass
        return Handler


def sender_waits(connection):
    "Whether the sender still waits for the answer (has not hung up)"
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return not readable or connection.recv(1, socket.MSG_PEEK) != b''
    except OSError:
        return False


def unused_url():
    "The URL of a port where nothing listens"
    server = ThreadingHTTPServer(('127.0.0.1', 0), BaseHTTPRequestHandler)
    host, port = server.server_address
    server.server_close()
    return f'http://{host}:{port}/callbacks'

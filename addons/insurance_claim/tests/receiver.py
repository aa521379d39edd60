"""A real HTTP receiver of callbacks on 127.0.0.1, run in a thread.

It answers the statuses it is given in turn (then 200) and keeps every
request it got, in order of arrival.
"""
import json
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
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), self._handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self.server.server_address
        return f'http://{host}:{port}/callbacks'

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()

    def next_status(self, request):
        with self._lock:
            self.received.append(request)
            return self.statuses.pop(0) if self.statuses else 200

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
                self.send_response(status)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass
        return Handler


def unused_url():
    "The URL of a port where nothing listens"
    server = ThreadingHTTPServer(('127.0.0.1', 0), BaseHTTPRequestHandler)
    host, port = server.server_address
    server.server_close()
    return f'http://{host}:{port}/callbacks'

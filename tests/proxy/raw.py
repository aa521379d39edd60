"""HTTP spoken over raw sockets, as slow, lying or oversized clients do."""
import json
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int | None
    headers: dict
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


def address_of(base_url):
    parts = urlsplit(base_url)
    return parts.hostname, parts.port


def connect(base_url, source='127.0.0.1', timeout=30):
    sock = socket.create_connection(
        address_of(base_url), timeout=timeout, source_address=(source, 0))
    return sock


def read_answer(sock, started):
    """Read an answer, or until the server closes: None as status if it
    said nothing"""
    data = b''
    try:
        while not complete(data) and (chunk := sock.recv(65536)):
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    seconds = time.monotonic() - started
    if not data:
        return Answer(None, {}, b'', seconds)
    status, headers, body = parse(data)
    return Answer(status, headers, body, seconds)


def parse(data):
    head, _, body = data.partition(b'\r\n\r\n')
    status_line, *lines = head.decode('latin-1').split('\r\n')
    headers = {}
    for line in lines:
        name, _, value = line.partition(':')
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def complete(data):
    "Whether data holds a whole answer of declared length"
    if b'\r\n\r\n' not in data:
        return False
    _, headers, body = parse(data)
    length = headers.get('content-length')
    return length is not None and len(body) >= int(length)


def exchange(base_url, data, source='127.0.0.1', timeout=30):
    "Send data at once (closing the connection after) and read the answer"
    started = time.monotonic()
    with connect(base_url, source, timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_answer(sock, started)


def request(method, path, headers=(), body=b''):
    lines = [f'{method} {path} HTTP/1.1', 'Host: insurance.test',
        'Connection: close', *headers]
    return '\r\n'.join(lines).encode() + b'\r\n\r\n' + body

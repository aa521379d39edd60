#!/usr/bin/env python3
"""Measures of the edge and the app tier (docs/proxy.md, docs/scaling.md).

    # against README command 1 (nginx in front):
    python bench/edge_measures.py slow-clients --url http://127.0.0.1:8000
    # the rate limit's statement, directly and through a pgbouncer:
    python bench/edge_measures.py rate-limit --database insurance_demo \
        [--pooler postgresql://postgres@127.0.0.1:6432/]
"""
import argparse
import os
import socket
import statistics
import time
from urllib.parse import urlsplit

import psycopg
import requests

from trytond.modules.insurance_api.ratelimit import TAKE_TOKEN


def slow_clients(args):
    "Ten header bytes every 3 s and ten short bodies, health polled meanwhile"
    address = urlsplit(args.url)
    target = (address.hostname, address.port)
    slow = [socket.create_connection(target) for _ in range(args.clients)]
    liars = [socket.create_connection(target) for _ in range(args.clients)]
    for liar in liars:
        liar.sendall(b'POST /api/v1/quotes HTTP/1.1\r\nHost: x\r\n'
            b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{')
    header = b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n'
    started, sent, seconds = time.monotonic(), 0, []
    while time.monotonic() - started < args.duration:
        if time.monotonic() - started >= 3 * sent:
            for sock in slow:
                try:
                    sock.send(header[sent:sent + 1])
                except OSError:
                    pass
            sent += 1
        asked = time.monotonic()
        response = requests.get(args.url + '/api/v1/health', timeout=300)
        seconds.append(time.monotonic() - asked)
        assert response.status_code == 200, response.status_code
        time.sleep(0.1)
    seconds.sort()
    print(f"{args.clients} slow + {args.clients} short-body clients, "
        f"{len(seconds)} health requests: p50 {seconds[len(seconds) // 2]:.3f}"
        f" s, max {seconds[-1]:.3f} s")


def percentiles(uri, query, parameters, count):
    with psycopg.connect(uri, autocommit=True,
            prepare_threshold=None) as connection:
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            connection.execute(query, parameters).fetchone()
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return (f"p50 {timings[len(timings) // 2]:.3f} ms, "
        f"p99 {timings[int(len(timings) * .99)]:.3f} ms, "
        f"mean {statistics.mean(timings):.3f} ms")


def rate_limit(args):
    "The bucket's statement against a bare round trip"
    query = TAKE_TOKEN.format(table='insurance_api_rate_bucket')
    servers = [('direct', os.environ['TRYTOND_DATABASE__URI'])]
    if args.pooler:
        servers.append(('pgbouncer', args.pooler))
    for name, uri in servers:
        uri += args.database
        print(name, 'SELECT 1:',
            percentiles(uri, 'SELECT 1', None, args.count))
        print(name, 'token taken:', percentiles(uri, query, {
                    'channel': -1, 'interval': 1e-6, 'slack': 1.0},
                args.count))
        print(name, 'token refused:', percentiles(uri, query, {
                    'channel': -2, 'interval': 1e6, 'slack': 0.0},
                args.count))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    measures = parser.add_subparsers(dest='measure', required=True)
    slow = measures.add_parser('slow-clients')
    slow.add_argument('--url', default='http://127.0.0.1:8000')
    slow.add_argument('--clients', type=int, default=10)
    slow.add_argument('--duration', type=float, default=15)
    slow.set_defaults(run=slow_clients)
    limit = measures.add_parser('rate-limit')
    limit.add_argument('--database', required=True)
    limit.add_argument('--pooler')
    limit.add_argument('--count', type=int, default=3000)
    limit.set_defaults(run=rate_limit)
    args = parser.parse_args()
    args.run(args)


if __name__ == '__main__':
    main()

"""Forwarded headers believed only when they come from the proxy.

trytond's `[web] num_proxies = 1` (config/trytond.conf) makes werkzeug's
ProxyFix take the client address, scheme and host from the X-Forwarded-*
headers that nginx sets. ProxyFix believes whoever sent them, so this filter,
outside it, drops them from any peer but a trusted proxy: a client that
reaches gunicorn around nginx cannot pose as another address (a channel's IP
allowlist, login throttling by address).

Trusted are the peers of gunicorn's unix socket (scripts/run.sh binds one
that only nginx may open) and the addresses or networks listed, comma
separated, in INSURANCE_TRUSTED_PROXIES (docker/compose.yaml lists the
network of its nginx).
"""
import ipaddress
import os

FORWARDED_HEADERS = (
    'HTTP_X_FORWARDED_FOR', 'HTTP_X_FORWARDED_PROTO', 'HTTP_X_FORWARDED_HOST',
    'HTTP_X_FORWARDED_PORT', 'HTTP_X_FORWARDED_PREFIX', 'HTTP_FORWARDED',
    'HTTP_X_REAL_IP')


def trusted_networks(setting):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False)
        for entry in setting.split(',') if entry.strip())


def is_trusted(peer, networks):
    if not peer:
        # gunicorn gives no address for a peer of its unix socket
        return True
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in networks)


class TrustedProxies:

    def __init__(self, app, networks):
        self.app = app
        self.networks = networks

    def __call__(self, environ, start_response):
        if not is_trusted(environ.get('REMOTE_ADDR'), self.networks):
            for name in FORWARDED_HEADERS:
                environ.pop(name, None)
        return self.app(environ, start_response)


def install(wsgi):
    "Put the filter in front of trytond's ProxyFix, once"
    if not isinstance(wsgi.wsgi_app, TrustedProxies):
        wsgi.wsgi_app = TrustedProxies(wsgi.wsgi_app, trusted_networks(
                os.environ.get('INSURANCE_TRUSTED_PROXIES', '')))

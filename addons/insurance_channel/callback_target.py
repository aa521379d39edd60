"""Where callbacks may be sent: public addresses over HTTPS.

Signed claim and payment events must not reach this machine, the insurer's
own networks or cloud metadata services (127.0.0.0/8, 10.0.0.0/8,
169.254.169.254...), whatever a callback URL names. An address is refused
unless it is global (not private, loopback, link-local, multicast, reserved
or unspecified), and plain http is refused outside the allowlist.

The allowlist, `[insurance] callback_allowed_networks` (comma-separated
networks, e.g. TRYTOND_INSURANCE__CALLBACK_ALLOWED_NETWORKS=10.8.0.0/16),
admits a partner's private network, or the tests' receiver on 127.0.0.1,
with or without TLS.

A URL is checked when it is saved and again at each delivery, on the
addresses its host resolves to then; the delivery connects to an address it
checked (a name that resolves to another address a moment later, DNS
rebinding, does not matter).
"""
import ipaddress
import socket
from urllib.parse import urlsplit

import trytond.config as config

DEFAULT_PORTS = {'http': 80, 'https': 443}


class ForbiddenTarget(ValueError):
    """The URL or address may not receive callbacks

    reason: 'malformed', 'special_address' or 'https_required'."""

    def __init__(self, reason, address=None):
        self.reason = reason
        self.address = address
        super().__init__(REASONS[reason].format(address=address))


REASONS = {
    'malformed': "The URL must be http(s)://host[:port]/path",
    'special_address': "{address} is a private, loopback, link-local or "
    "reserved address",
    'https_required': "Callbacks to public addresses need https",
    }


def allowed_networks():
    "The networks of the allowlist setting"
    value = config.get('insurance', 'callback_allowed_networks', default='')
    return [ipaddress.ip_network(entry.strip(), strict=False)
        for entry in value.split(',') if entry.strip()]


def check_address(address, scheme, allowed):
    "Raise ForbiddenTarget unless a callback may go to address over scheme"
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return
    if not address.is_global or address.is_multicast:
        raise ForbiddenTarget('special_address', address)
    if scheme != 'https':
        raise ForbiddenTarget('https_required', address)


def resolve(host, port):
    "The addresses host resolves to, in the resolver's order"
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(
            ipaddress.ip_address(sockaddr[0].split('%', 1)[0])
            for *_, sockaddr in infos))


def parse(url):
    "Return (scheme, host, port) of url; raise ForbiddenTarget if unusable"
    try:
        parts = urlsplit(url or '')
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # an unclosed [IPv6 bracket, a port out of range
        raise ForbiddenTarget('malformed') from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or not port:
        raise ForbiddenTarget('malformed')
    return parts.scheme, parts.hostname, port


def checked_addresses(url, resolver=resolve):
    """Return the addresses of url's host, each allowed to receive callbacks

    Raise ForbiddenTarget if any is not, or socket.gaierror if the host does
    not resolve."""
    scheme, host, port = parse(url)
    try:
        addresses = resolver(host, port)
    except UnicodeError:  # a label of the name empty or over 63 characters
        raise ForbiddenTarget('malformed') from None
    allowed = allowed_networks()
    for address in addresses:
        check_address(address, scheme, allowed)
    return addresses


def check_url(url, resolver=resolve):
    """Raise ForbiddenTarget if url may not receive callbacks as far as can be
    told now: a host that does not resolve yet passes over https"""
    scheme, _, _ = parse(url)
    try:
        checked_addresses(url, resolver)
    except socket.gaierror:
        if scheme != 'https':
            raise ForbiddenTarget('https_required') from None

"""Where a webhook may be sent: never to this machine or its networks (SSRF).

Refused: loopback, private, link-local (the cloud's metadata address 169.254.169.254 among them),
shared, multicast, reserved and unspecified addresses, IPv4 written inside IPv6, and the names
``localhost`` (and ``*.localhost``) and the metadata services'. A URL is checked when the
subscription is saved, and its host resolved and checked again at every delivery (DNS may
change): each address it resolves to must be allowed, and the delivery connects to the address
checked, not to the name again. HTTPS only.

``WEBHOOKS_ALLOW_PRIVATE=1`` lifts all of it (and allows plain HTTP): for a receiver on the same
machine or network, and for tests.
"""

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from flask_babel import gettext as _

from ..core.errors import InvalidInput
from .models import URL_LENGTH

_FORBIDDEN_NAMES = {
    "localhost",
    "metadata",
    "metadata.google.internal",
    "metadata.goog",
    "instance-data",
    "instance-data.ec2.internal",
}


class RefusedTarget(Exception):
    """A delivery's host resolves to an address refused (or not at all)."""


def check_url(url: str, allow_private: bool) -> str:
    """The URL, stripped, if a subscription may send to it; InvalidInput (``url``) otherwise."""
    url = url.strip()
    if len(url) > URL_LENGTH:
        raise InvalidInput("url", _("At most %(n)d characters.", n=URL_LENGTH))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput("url", _("This is not a web address.")) from None
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise InvalidInput("url", _("Give an address beginning with https://."))
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("url", _("A user name or password cannot be part of the address."))
    if not allow_private:
        try:
            refusal = _refusal(parts.hostname, [parts.hostname])
            if refusal is None:
                refusal = _refusal(parts.hostname, resolve(parts.hostname, _port(parts, port)))
        except RefusedTarget:
            refusal = None  # not found now: it may be set up later, and is checked at each send
        if refusal:
            raise InvalidInput("url", refusal)
    return url


def address_to_send(parts: SplitResult, allow_private: bool) -> str:
    """The address to connect to for a delivery to ``parts`` (a split URL): its host resolved,
    each address checked. RefusedTarget names why not."""
    if parts.scheme != "https" and not allow_private:
        raise RefusedTarget("only HTTPS is allowed")
    addresses = resolve(parts.hostname, _port(parts, parts.port))
    if not allow_private and (refusal := _refusal(parts.hostname, addresses)):
        raise RefusedTarget(refusal)
    return addresses[0]


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (RefusedTarget when none)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise RefusedTarget(f"{host} cannot be resolved ({error})") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise RefusedTarget(f"{host} resolves to no address")
    return addresses


def _port(parts: SplitResult, port: int | None) -> int:
    return port or (443 if parts.scheme == "https" else 80)


def _refusal(host: str, addresses: list[str]) -> str | None:
    """Why these addresses of ``host`` (or the name itself) are refused, or None."""
    name = host.lower().rstrip(".")
    if name in _FORBIDDEN_NAMES or name.endswith(".localhost"):
        return _("%(host)s is this machine or its cloud's metadata service: refused.", host=host)
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.partition("%")[0])
        except ValueError:
            continue  # a name, checked once resolved
        if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped or ip.sixtofour):
            ip = ip.ipv4_mapped or ip.sixtofour
        if not ip.is_global or ip.is_multicast or ip.is_reserved:
            return _(
                "%(host)s leads to %(address)s, a loopback, private or reserved address: refused.",
                host=host,
                address=address,
            )
    return None

"""Which callback URLs webhooks may be sent to: HTTPS to a public address, nothing else.

A subscriber chooses the URL the gateway will POST to, which makes the gateway a request
forger for anyone who can subscribe (server-side request forgery, OWASP API7:2023; Standard
Webhooks 1.0.0, "Server side request forgery"). So a callback must be `https`, carry no
credentials, and its host must resolve only to public addresses: never loopback, private,
link-local (169.254.169.254 is the cloud metadata service), multicast or reserved. The host is
resolved when subscribing and again before every attempt, since a name can be re-pointed.
With `ICAOPS_WEBHOOKS_ALLOW_HTTP_LOOPBACK=1` (tests, the demo) loopback addresses are allowed,
and plain `http` to them.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = [
    "ALLOW_LOOPBACK_VARIABLE",
    "CALLBACK_MAX",
    "CallbackPolicy",
    "CallbackRefusal",
    "callback_policy",
    "check_callback",
    "system_resolver",
]

ALLOW_LOOPBACK_VARIABLE = "ICAOPS_WEBHOOKS_ALLOW_HTTP_LOOPBACK"
CALLBACK_MAX = 2000  # the column's length
Resolver = Callable[[str, int], tuple[str, ...]]


def system_resolver(host: str, port: int) -> tuple[str, ...]:
    """Every address `host` resolves to (the system's resolver); OSError when it does not."""
    return tuple(sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}))


@dataclass(frozen=True, slots=True)
class CallbackPolicy:
    """Whether loopback callbacks (and `http` to them) are allowed, and how hosts are resolved."""

    allow_loopback: bool = False
    resolve: Resolver = field(default=system_resolver)


def callback_policy() -> CallbackPolicy:
    """The policy of this process: loopback allowed only when $ICAOPS_WEBHOOKS_ALLOW_HTTP_LOOPBACK is 1."""
    return CallbackPolicy(allow_loopback=os.environ.get(ALLOW_LOOPBACK_VARIABLE, "").strip() == "1")


@dataclass(frozen=True, slots=True)
class CallbackRefusal:
    """Why a callback URL is refused: a stable `code` and a sentence."""

    code: str  # malformed | scheme | credentials | unresolved | address
    message: str


def check_callback(url: str, policy: CallbackPolicy) -> CallbackRefusal | None:
    """None if webhooks may be sent to `url` now; else why not (the host is resolved)."""
    if not url or len(url) > CALLBACK_MAX or any(c.isspace() or ord(c) < 32 for c in url):
        return CallbackRefusal("malformed", f"expected a URL of at most {CALLBACK_MAX} characters without spaces")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return CallbackRefusal("malformed", f"not a URL ({exc})")
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in ("https", "http") or not host:
        return CallbackRefusal("scheme", "expected an https:// URL with a host")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return CallbackRefusal("credentials", "a callback URL may not carry a user name or password")
    try:
        addresses = _addresses(host, port or (443 if scheme == "https" else 80), policy)
    except (OSError, UnicodeError) as exc:
        return CallbackRefusal("unresolved", f"host {host} does not resolve ({exc})")
    if not addresses:
        return CallbackRefusal("unresolved", f"host {host} resolves to no address")
    for address in addresses:
        kind = _forbidden_kind(address, policy.allow_loopback)
        if kind:
            return CallbackRefusal("address", f"host {host} resolves to {_ip(address)}, a {kind} address")
    if scheme == "http" and not policy.allow_loopback:
        return CallbackRefusal("scheme", "expected https:// (plain http is allowed only to loopback in tests)")
    if scheme == "http" and not all(_ip(a).is_loopback for a in addresses):
        return CallbackRefusal("scheme", "expected https:// (plain http is allowed only to a loopback address)")
    return None


def _addresses(host: str, port: int, policy: CallbackPolicy) -> tuple[str, ...]:
    try:
        return (str(ipaddress.ip_address(host)),)
    except ValueError:
        return policy.resolve(host, port)


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone id (fe80::1%eth0)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    return ip


def _forbidden_kind(address: str, allow_loopback: bool) -> str | None:
    """What kind of non-public address this is (None: public, or loopback when allowed)."""
    ip = _ip(address)
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved or not ip.is_global:
        return "non-public"
    return None

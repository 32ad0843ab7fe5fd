"""Which IP addresses count as public: the one rule for the crawler's fetches and the rendered mode's requests."""

from __future__ import annotations

import ipaddress

__all__ = ["is_public_address"]


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (an IPv4-mapped IPv6 address judged as its IPv4 address);
    False for private, loopback, link-local, multicast, reserved and unparsable ones."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast

"""Who is asking, for limits only: the client's network address.

Behind a proxy, every request comes from the proxy's address. The address
in `X-Forwarded-For` is believed only when the request comes from a proxy
that `settings.DIRECTORY_TRUSTED_PROXIES` names (addresses or networks):
then the client is the right-most address that is not one of those
proxies. Otherwise anyone could claim any address, and dodge every limit.
The address is used for lockouts and rate limits, never stored or logged.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request) -> str:
    """Return the address of the client of `request`."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = _networks(tuple(settings.DIRECTORY_TRUSTED_PROXIES))
    if not proxies:
        return remote

    def trusted(address) -> bool:
        return address is not None and any(address in net for net in proxies)

    if not trusted(_address(remote)):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a malformed hop: believe no further
        if not trusted(address):
            return str(address)
    return remote

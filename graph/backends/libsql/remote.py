"""Ask a libSQL server whether it answers before the driver is handed its URL.

The driver holds Python's interpreter lock while it waits on the network, and it has
no connect timeout: against a server that accepts the connection and never replies
(a hung sqld, a black-holed route) ``connect`` or the first query never returns, and
no thread or signal in this process can interrupt it. So before each new connection
to a remote primary (or the first sync of an embedded replica), one plain HTTP request
with a timeout asks the server; silence becomes a one-line ``OperationalError``, which
``/healthz`` answers with a 503 and the commands print.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from graph.backends.libsql.dbapi import OperationalError

DEFAULT_TIMEOUT = 5.0


def http_url(url: str) -> str:
    """Return the HTTP(S) address the driver reaches for ``url`` (libsql:// is HTTPS)."""
    parts = urlsplit(url)
    scheme = {"libsql": "https", "wss": "https", "ws": "http"}.get(parts.scheme, parts.scheme)
    return parts._replace(scheme=scheme, path="", query="", fragment="").geturl()


def check_answers(url: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Raise ``OperationalError`` unless the server at ``url`` answers HTTP within ``timeout``."""
    address = http_url(url)
    parts = urlsplit(address)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname or "", parts.port, timeout=timeout)
    try:
        # sqld and Turso answer /health; any HTTP answer at all means the server is up.
        conn.request("GET", "/health")
        conn.getresponse().read()
    except TimeoutError:
        raise OperationalError(
            f"the libSQL server at {address} did not answer within {timeout:g} s "
            "(LIBSQL_CONNECT_TIMEOUT)"
        ) from None
    except (OSError, http.client.HTTPException) as exc:
        raise OperationalError(f"the libSQL server at {address} cannot be reached: {exc}") from None
    finally:
        conn.close()

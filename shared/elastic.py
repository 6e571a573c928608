"""The Elasticsearch client every process builds the same way, from ``Settings``.

``Runtime.elasticsearch`` holds one per process; the indexer's I/O module and
the CLI use that one rather than building their own.

    >>> client = make_client(Settings(elasticsearch_url="http://127.0.0.1:9299"))
    >>> [(node.config.host, node.config.port) for node in client.transport.node_pool.all()]
    [('127.0.0.1', 9299)]
"""

from __future__ import annotations

from elasticsearch import Elasticsearch

from shared.settings import Settings


def make_client(settings: Settings, *, request_timeout_s: float = 30.0) -> Elasticsearch:
    """Client for ``settings.elasticsearch_url``; basic auth only when a username is set.

    Building the client opens no connection; the first request does.
    """
    auth = None
    if settings.elasticsearch_username:
        password = settings.elasticsearch_password.get_secret_value() if settings.elasticsearch_password else ""
        auth = (settings.elasticsearch_username, password)
    return Elasticsearch(settings.elasticsearch_url, basic_auth=auth, request_timeout=request_timeout_s)

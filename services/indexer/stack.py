"""The one pinned Elastic Stack version: Elasticsearch and Kibana move together.

The local launcher, docker-compose.yml and the Kibana saved objects all read
this constant, so an upgrade is one edit plus a test run. 8.19.21 is the newest
8.19 release published on Maven Central when this was pinned (2026-10).
"""

ELASTIC_STACK_VERSION = "8.19.21"

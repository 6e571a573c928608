# One image for every newsflow process; docker-compose.yml picks the command (worker parser, watch, ...).
# BASE_IMAGE: the official Python image; machines without a registry build a stand-in (compose/).
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# acl: setfacl, with which the entrypoint lets uid 10001 into a bind-mounted drop folder.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends acl >/dev/null \
    && rm -rf /var/lib/apt/lists/*
# The pinned dependencies first, alone: their layer (minutes to build) survives any other change.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY pyproject.toml README.md ./
COPY shared/ shared/
COPY services/ services/
COPY newsflow/ newsflow/
COPY scripts/docker-entrypoint.sh /usr/local/bin/newsflow-entrypoint
RUN pip install --no-cache-dir --no-deps -e . \
    && useradd --system --uid 10001 newsflow \
    && mkdir -p /data/raw /data/drop && chown -R newsflow /data
USER newsflow
ENV NEWSFLOW_RUNTIME_DIR=/data
ENTRYPOINT ["newsflow-entrypoint"]

# One image for every newsflow process; docker-compose.yml picks the command (worker parser, watch, ...).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY shared/ shared/
COPY services/ services/
COPY newsflow/ newsflow/
RUN pip install --no-cache-dir --no-deps -e . \
    && useradd --system --uid 10001 newsflow \
    && mkdir -p /data/raw /data/drop && chown -R newsflow /data
USER newsflow
ENV NEWSFLOW_RUNTIME_DIR=/data
ENTRYPOINT ["newsflow"]

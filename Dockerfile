# vcwatch for production: PostgreSQL from the environment, several uvicorn workers, non-root.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VCWATCH_ENVIRONMENT=production \
    VCWATCH_HOST=0.0.0.0 \
    VCWATCH_PORT=8000 \
    VCWATCH_DATA_DIR=/var/lib/vcwatch \
    VCWATCH_WORKERS=4

RUN groupadd --system vcwatch \
    && useradd --system --gid vcwatch --home-dir /srv/vcwatch --shell /usr/sbin/nologin vcwatch

WORKDIR /srv/vcwatch
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY frame_checks ./frame_checks
COPY alembic ./alembic
COPY static ./static
RUN pip install -e . \
    && mkdir -p /var/lib/vcwatch \
    && chown vcwatch:vcwatch /var/lib/vcwatch

USER vcwatch
EXPOSE 8000
VOLUME ["/var/lib/vcwatch"]
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["sh", "-c", "exec vcwatch serve --workers \"$VCWATCH_WORKERS\""]

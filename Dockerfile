# vcwatch for production: PostgreSQL from the environment, several uvicorn workers, non-root.
# The environment is made from the lock (uv.lock) exactly, with vcwatch itself installed as a
# wheel (its pages and migrations inside the package), never as an editable checkout.
FROM python:3.11-slim AS build

ENV UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/vcwatch \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The uv of scripts/lib/setup.sh.
RUN pip install uv==0.13.9
WORKDIR /src
# The dependencies first: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3
COPY setup.py MANIFEST.in README.md alembic.ini ./
COPY app ./app
COPY frame_checks ./frame_checks
COPY alembic ./alembic
COPY static ./static
RUN uv sync --frozen --no-dev --no-editable --python /usr/local/bin/python3

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/vcwatch/bin:$PATH \
    VCWATCH_ENVIRONMENT=production \
    VCWATCH_HOST=0.0.0.0 \
    VCWATCH_PORT=8000 \
    VCWATCH_DATA_DIR=/var/lib/vcwatch \
    VCWATCH_WORKERS=4

RUN groupadd --system vcwatch \
    && useradd --system --gid vcwatch --home-dir /srv/vcwatch --shell /usr/sbin/nologin vcwatch \
    && mkdir -p /srv/vcwatch /var/lib/vcwatch \
    && chown vcwatch:vcwatch /var/lib/vcwatch

COPY --from=build /opt/vcwatch /opt/vcwatch
WORKDIR /srv/vcwatch
USER vcwatch
EXPOSE 8000
VOLUME ["/var/lib/vcwatch"]
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["sh", "-c", "exec vcwatch serve --workers \"$VCWATCH_WORKERS\""]

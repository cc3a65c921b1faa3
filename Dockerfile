# The service on a slim Python base, as a non-root user: migrations, then uvicorn (api.serve does both).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/var/lib/tidlig-indsats \
    ENVIRONMENT=production \
    DEMO_DATA=false

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY api ./api
COPY web ./web
COPY domain ./domain
COPY alembic ./alembic
COPY alembic.ini ./
# Editable, so the app finds alembic.ini and the migrations beside its code.
RUN pip install -c constraints.txt -e . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p "$DATA_DIR" && chown app "$DATA_DIR"

USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
# Production needs DATABASE_URL (PostgreSQL) and SIGNING_KEY; WEB_CONCURRENCY sets the worker count.
CMD ["python", "-m", "api.serve"]

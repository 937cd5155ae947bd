# The storefront's production image: gunicorn serving storefront.wsgi, meant to sit behind
# nginx (deploy/nginx.conf). `docker compose up` (compose.yaml) starts it with PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first, pinned by the lock file, so a code change reuses this layer.
COPY pyproject.toml README.md ./
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/prod.txt

COPY . .
RUN pip install --no-cache-dir --no-deps ".[prod]" \
    && useradd --system --uid 10001 shop \
    && mkdir -p instance && chown shop instance
USER shop

ENV GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "storefront.wsgi:app"]

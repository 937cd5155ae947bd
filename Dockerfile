# The storefront's production image: gunicorn (deploy/gunicorn.conf.py) serving storefront.wsgi,
# meant to run behind nginx (deploy/nginx.conf). `docker compose up` (compose.yaml) starts it
# with nginx and PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# The pinned dependencies first, so that a code change reuses this layer.
COPY requirements/constraints.txt requirements/constraints.txt
COPY pyproject.toml README.md ./
RUN mkdir -p storefront klarna_emulator \
    && touch storefront/__init__.py klarna_emulator/__init__.py \
    && pip install --no-cache-dir -c requirements/constraints.txt ".[prod]" \
    && pip uninstall -y klarna-storefront

COPY . .
# The translations (storefront/translations/*/LC_MESSAGES/messages.po) compile to the .mo files
# the shop reads; they are build output, not in git.
RUN pybabel compile -d storefront/translations \
    && pip install --no-cache-dir --no-deps . \
    && useradd --system --uid 10001 shop \
    && mkdir -p instance && chown shop instance
USER shop

EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "storefront.wsgi:app"]

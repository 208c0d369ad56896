# Production image: gunicorn serves the application, WhiteNoise its static files.
# The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cifre.settings \
    MEDIA_ROOT=/data/private \
    PUBLIC_MEDIA_ROOT=/data/public \
    STATIC_ROOT=/app/var/staticfiles

# WeasyPrint needs Pango and HarfBuzz, plus fonts; gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation2 gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .

# Build-time only: the settings refuse to load without a long SECRET_KEY when DEBUG is off.
RUN SECRET_KEY=build-time-only-key-never-used-at-run-time-0123456789abcdef \
        python manage.py collectstatic --noinput -v0 \
    && SECRET_KEY=build-time-only-key-never-used-at-run-time-0123456789abcdef \
        python manage.py compilemessages -v0 \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin cifre \
    && mkdir -p /data/private /data/public /data/beat \
    && chown -R cifre:cifre /data /app/var

USER cifre
EXPOSE 8000
CMD ["gunicorn", "cifre.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

# Production image of the Yantai joint-inspection platform (web, worker and beat share it).
# docker compose up (see docker-compose.yml) runs it; the image itself holds no secrets.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=yantai_inspect.settings \
    DJANGO_ENV=production \
    VAR_DIR=/var/lib/yantai \
    MEDIA_ROOT=/var/lib/yantai/media \
    STATIC_ROOT=/app/staticfiles

# fonts-noto-cjk: Chinese text in WeasyPrint PDFs; gettext: compilemessages; pango: WeasyPrint layout.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Local settings are enough to compile the catalogues; nothing connects to a database here.
RUN if find . -name '*.po' | grep -q .; then DJANGO_ENV=local python manage.py compilemessages; fi \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/yantai --no-create-home yantai \
    && mkdir -p /var/lib/yantai/media /var/lib/yantai/celery-broker /app/staticfiles \
    && chown -R yantai:yantai /var/lib/yantai /app/staticfiles

USER yantai
EXPOSE 8000
# 4 workers of 4 threads (gthread): a request waits for a thread, not for a worker a flood of refused logins
# keeps busy (docs/security.md, "Login flood").
CMD ["gunicorn", "yantai_inspect.wsgi", "-b", "0.0.0.0:8000", "-w", "4", "-k", "gthread", "--threads", "4", "--access-logfile", "-"]

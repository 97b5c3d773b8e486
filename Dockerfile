# Lantern application image. The same image runs the web server (the default
# command), the migrations, the Celery worker and Celery beat. See
# docker-compose.yml for how the services are wired together.
#
#   docker build -t lantern:latest .
#
# At runtime the container needs LANTERN_ENV=production (the default here),
# SECRET_KEY, LANTERN_PSEUDONYM_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL. Without DATABASE_URL,
# production settings refuse to start. That is deliberate: the embedded
# PostgreSQL (pgserver) is installed as a dependency but is only for
# development and tests.

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LANTERN_ENV=production \
    PYTHONPATH=/app

WORKDIR /app

# Install the dependencies first so that this layer is reused until
# pyproject.toml changes. No package directories have been copied yet, so
# `pip install .` installs the dependency list plus an empty "lantern"
# distribution. The code runs from /app (WORKDIR and PYTHONPATH), where
# settings.BASE_DIR finds templates/ and static/.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Collect static files (vendored Bootstrap, Chart.js and icons included) into
# /app/staticfiles. WhiteNoise serves them with hashed names. The variables
# below only let production settings load. collectstatic never connects to
# the database, and none of these values stay in the image.
RUN LANTERN_ENV=production \
    SECRET_KEY=build-only-not-a-secret \
    LANTERN_PSEUDONYM_KEY=build-only-not-a-secret-pseudonym-key \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgresql://build@localhost/build \
    python manage.py collectstatic --noinput

# Run as an unprivileged user. The code and collected static files stay owned
# by root, so the app user cannot change them.
# Uploaded import files wait in /var/lib/lantern/imports for the worker; a volume
# mounted there starts with this ownership.
RUN groupadd --system --gid 10001 lantern \
    && useradd --system --uid 10001 --gid lantern --home-dir /home/lantern --create-home lantern \
    && install -d -o lantern -g lantern /var/lib/lantern/imports
ENV LANTERN_IMPORT_DIR=/var/lib/lantern/imports
USER lantern

EXPOSE 8000

# gunicorn.conf.py (read from /app) runs two sync workers per core; set
# WEB_CONCURRENCY, or GUNICORN_CMD_ARGS (for example "--workers 4 --timeout 60"),
# to tune the server without changing the command.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]

# The Nianbao application image: ingest API, search API + UI, Celery workers, Flower and the CLI.
# Which of them a container runs is chosen by docker-compose.yml's `command`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NIANBAO_STORAGE_DIR=/data/storage

WORKDIR /app

# LibreOffice Writer, headless: the normalize workers convert .doc and .wps uploads to DOCX with it
# (services/parse/normalize/libreoffice.py). Spreadsheets are read by Python alone.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libreoffice-writer-nogui \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY shared ./shared
COPY services ./services
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin nianbao \
    && mkdir -p /data/storage \
    && chown -R nianbao:nianbao /data

# Not root: Celery warns about root, and nothing here needs it.
USER nianbao
EXPOSE 8000 8001 5555
CMD ["uvicorn", "services.search.app:app", "--host", "0.0.0.0", "--port", "8001"]

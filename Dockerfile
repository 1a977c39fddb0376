# The Nianbao application image: ingest API, search API + UI, Celery workers, Flower and the CLI.
# Which of them a container runs is chosen by docker-compose.yml's `command`.
# Debian 12 (bookworm) named, not whatever `3.11-slim` points to next: the apt package names below are its own.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NIANBAO_STORAGE_DIR=/data/storage

WORKDIR /app

# LibreOffice Writer, headless: the normalize workers convert .doc and .wps uploads to DOCX with it
# (services/parse/normalize/libreoffice.py). Spreadsheets are read by Python alone.
# libgl1 and libglib2.0-0: the shared libraries opencv-python (RapidOCR's, the ocr workers) loads —
# libGL.so.1 and libgthread-2.0.so.0, absent from the slim image.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libreoffice-writer-nogui \
        libgl1 libglib2.0-0 \
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

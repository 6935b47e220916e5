"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import importlib
import os
import time

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()


def _load_what_requests_load() -> None:
    """Import now what the first requests would import, without opening any connection.

    Each worker would otherwise import these on its first requests (the URLconf and its
    views; the cache's and the broker's Redis clients, some 100 modules; the tasks) and
    stall them for up to a few hundred milliseconds, each time a worker starts.
    """
    from django.conf import settings
    from django.core.cache import caches
    from django.utils.module_loading import import_string

    from config.celery import app as celery_app
    from dichvucong.core import workdays

    get_resolver().url_patterns  # noqa: B018 - the property imports the URLconf
    for alias in settings.CACHES:
        # The client (e.g. redis-py's) is made at first use; its connections later still.
        getattr(caches[alias], "_cache", None)
    import_string(settings.SESSION_SERIALIZER)
    import_string(settings.MESSAGE_STORAGE)
    celery_app.loader.import_default_modules()  # every app's tasks
    celery_app.connection_for_write().get_transport_cls()  # the broker's client library
    celery_app.amqp  # noqa: B018 - the message protocol
    celery_app.AsyncResult  # noqa: B018 - what `delay` returns
    celery_app.events.Dispatcher  # noqa: B018 - the task-sent events
    celery_app.Task  # noqa: B018 - the base class of the tasks (Django's)
    celery_app.backend  # noqa: B018 - where results would go (none: ignored)
    importlib.import_module("_strptime")  # the first datetime.strptime imports it
    this_year = time.localtime().tm_year
    workdays.calendar_preload(range(this_year - 1, this_year + 3))  # deadlines, reports


# gunicorn loads this module once, in its master process (gunicorn.conf.py), and forks
# the workers from it. Then take what the process has loaded (Django, the apps, their
# modules: some 200,000 objects) out of the cyclic garbage collector's sight. It all
# lives as long as the process; left in the oldest generation, each full collection
# walks it again and stalls whichever request triggered it for 100-300 ms on this machine
# (docs/configuration.md, "Production").
_load_what_requests_load()
gc.collect()
gc.freeze()

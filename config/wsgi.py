"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Import the URLconf and its views now rather than on the first request (gunicorn does
# this once, in its master process: gunicorn.conf.py), then take what the process has
# loaded (Django, the apps, their modules: some 200,000 objects) out of the cyclic
# garbage collector's sight. It all lives as long as the process; left in the oldest
# generation, each full collection walks it again and stalls whichever request triggered
# it for 100-300 ms on this machine (docs/configuration.md, "Production").
get_resolver().url_patterns  # noqa: B018 - the property imports the URLconf
gc.collect()
gc.freeze()

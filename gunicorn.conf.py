"""gunicorn's settings: gunicorn reads ./gunicorn.conf.py when it starts in this directory.

The command line still chooses the workers, threads and address (see
docs/configuration.md, "Production").
"""

# Load the application once in the master process, then fork the workers. config.wsgi
# imports the URLconf and freezes what it loaded out of the garbage collector, so the
# workers start at once, share that memory, and never walk it in a collection (which
# would also copy its pages into every worker).
preload_app = True


def pre_fork(server: object, worker: object) -> None:
    """No database connection opened while loading may be shared by two processes."""
    from django.db import connections

    connections.close_all()

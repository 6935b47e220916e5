"""Tasks queued after commit: sent when the broker takes them, run here when it cannot."""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connections, transaction

from config.celery import app as project_app
from conftest import redis_or_skip
from dichvucong.core.background import queue_after_commit

REDIS_URL = "redis://127.0.0.1:6379/11"
# Nothing listens on port 1: the connection is refused at once.
DOWN_URL = "redis://127.0.0.1:1/0"

pytestmark = pytest.mark.django_db(transaction=True)

ran: list[Any] = []


def _app(broker_url: str, queue: str, **conf: Any) -> Celery:
    app = Celery("dichvucong-test-background", set_as_current=False)
    app.conf.update(
        {
            "broker_url": broker_url,
            "task_always_eager": False,
            "task_default_queue": queue,
            "task_ignore_result": True,
            # One quick retry: the default policy's three take most of a second.
            "task_publish_retry_policy": {
                "max_retries": 1,
                "interval_start": 0,
                "interval_step": 0,
            },
            **conf,
        }
    )

    @app.task(name="dichvucong.tests.record", shared=False)
    def record(value: Any) -> None:
        ran.append(value)

    return app


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    ran.clear()
    yield
    ran.clear()
    project_app.set_current()
    project_app.set_default()


@pytest.fixture
def down() -> Iterator[Celery]:
    app = _app(DOWN_URL, "unused")
    yield app
    app.close()


@pytest.fixture
def broker() -> Iterator[tuple[Celery, str]]:
    redis_or_skip(REDIS_URL)
    queue = f"dichvucong-test-{uuid.uuid4().hex}"
    app = _app(REDIS_URL, queue)
    yield app, queue
    app.close()
    redis.Redis.from_url(REDIS_URL).delete(
        queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
    )


@pytest.mark.redis
def test_a_task_goes_to_the_broker_after_the_commit_and_does_not_run_here(
    broker: tuple[Celery, str],
) -> None:
    app, queue = broker
    client = redis.Redis.from_url(REDIS_URL)
    with transaction.atomic():
        queue_after_commit(app.tasks["dichvucong.tests.record"], "sent")
        assert client.llen(queue) == 0  # nothing leaves before the commit
    assert client.llen(queue) == 1
    assert ran == []


def test_with_the_broker_down_the_task_runs_here_after_the_commit(
    down: Celery, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="dichvucong.core.background")
    with transaction.atomic():
        queue_after_commit(down.tasks["dichvucong.tests.record"], "kept")
        assert ran == []
    assert ran == ["kept"]
    assert "running it in this process instead" in caplog.text


def test_with_the_broker_down_swept_work_is_left_to_the_sweep(
    down: Celery, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="dichvucong.core.background")
    with transaction.atomic():
        queue_after_commit(down.tasks["dichvucong.tests.record"], "later", swept=True)
    assert ran == []
    assert "the periodic sweep will send it" in caplog.text


def test_nothing_is_sent_or_run_for_a_change_rolled_back(down: Celery) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_after_commit(down.tasks["dichvucong.tests.record"], "rolled back")
        raise RuntimeError
    assert ran == []


def test_an_error_in_the_task_run_here_does_not_reach_the_request(
    down: Celery, caplog: pytest.LogCaptureFixture
) -> None:
    @down.task(name="dichvucong.tests.fail", shared=False)
    def fail() -> None:
        raise ValueError("the task failed")

    with transaction.atomic():
        queue_after_commit(fail)
    # The change is saved and the request goes on; the failure is in the log.
    assert "the task failed" in caplog.text


def test_a_hung_broker_costs_a_bounded_wait_then_the_task_runs_here() -> None:
    """A Redis that takes the connection and never answers (gone behind a firewall)."""
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(8)  # connections complete in the backlog; nothing ever reads them
    port = hung.getsockname()[1]
    # The project's settings for a Redis broker (config/settings/base.py).
    app = _app(
        f"redis://127.0.0.1:{port}/0",
        "unused",
        broker_transport_options=settings.REDIS_BROKER_TRANSPORT_OPTIONS,
        task_publish_retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY,
    )
    errors: list[BaseException] = []

    def request() -> None:
        try:
            with transaction.atomic():
                queue_after_commit(app.tasks["dichvucong.tests.record"], "after the wait")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own

    try:
        thread = threading.Thread(target=request, daemon=True)
        thread.start()
        # Three attempts of a few seconds each; without the timeouts, forever.
        thread.join(timeout=60)
        assert not thread.is_alive(), "the publish to a hung broker never gave up"
        assert errors == []
        assert ran == ["after the wait"]
    finally:
        app.close()
        hung.close()

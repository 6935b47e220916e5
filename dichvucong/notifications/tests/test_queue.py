"""The real queue path: a Redis broker, a worker in a thread, a task sent after commit."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from celery import Celery, signals
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connections, transaction

from config.celery import app as project_app
from conftest import redis_or_skip
from dichvucong.notifications.models import Channel, Delivery, DeliveryStatus
from dichvucong.notifications.services import notify

from .conftest import CODE

REDIS_URL = "redis://127.0.0.1:6379/11"
TIMEOUT = 30.0


def _app(broker_url: str, **conf: Any) -> Celery:
    """A Celery app with the notification tasks on `broker_url` (not current yet)."""
    app = Celery("dichvucong-test", set_as_current=False)
    app.conf.update(
        {
            "broker_url": broker_url,
            "task_always_eager": False,
            "include": ["dichvucong.notifications.tasks"],
            "task_ignore_result": True,
            **conf,
        }
    )
    return app


def _restore_project_app() -> None:
    project_app.set_current()
    project_app.set_default()


@pytest.fixture
def broker_app() -> Iterator[Celery]:
    """A Celery app on the Redis broker, current while the test runs.

    Its queue has a name of its own, so parallel test runs sharing the Redis server do
    not take each other's tasks.
    """
    client = redis_or_skip(REDIS_URL)
    queue = f"dichvucong-test-{uuid.uuid4().hex}"
    app = _app(
        REDIS_URL,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=False,
    )
    try:
        yield app
    finally:
        app.close()
        # The queue, and the exchange of the same name that Celery declared for it.
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        _restore_project_app()


def _wait_until(condition: Any, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_notification_is_sent_by_a_worker_through_redis(
    broker_app: Celery, citizen: Any, dossier_context: dict[str, str]
) -> None:
    finished: list[str] = []
    done = threading.Event()

    def on_task_done(sender: Any = None, **kwargs: Any) -> None:
        # Runs in the worker's thread: give its database connections back.
        connections.close_all()
        finished.append(sender.name)
        done.set()

    signals.task_postrun.connect(on_task_done, weak=False)
    try:
        with start_worker(broker_app, pool="solo", perform_ping_check=False):
            with transaction.atomic():
                notification = notify(
                    user=citizen, event="dossier_withdrawn", context=dossier_context
                )
                # Nothing leaves before the commit.
                assert not done.is_set()
            assert _wait_until(lambda: done.is_set() and len(mail.outbox) == 1)
    finally:
        signals.task_postrun.disconnect(on_task_done)

    assert finished == ["dichvucong.notifications.tasks.delivery_send"]
    delivery = Delivery.objects.get(notification=notification)
    assert (delivery.channel, delivery.status, delivery.attempts) == (
        Channel.EMAIL,
        DeliveryStatus.SENT,
        1,
    )
    assert mail.outbox[0].subject == f"Xác nhận rút hồ sơ {CODE}"
    assert mail.outbox[0].to == ["congdan@example.vn"]


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_notification_is_sent_from_this_process(
    citizen: Any, dossier_context: dict[str, str]
) -> None:
    # Nothing listens on port 1: every publish is refused at once.
    app = _app(
        "redis://127.0.0.1:1/0",
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0},
    )
    app.set_current()
    try:
        with transaction.atomic():
            notification = notify(user=citizen, event="dossier_withdrawn", context=dossier_context)
        # Before, the delivery stayed pending for good: no task was ever queued for it.
        delivery = Delivery.objects.get(notification=notification)
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
        assert [m.to for m in mail.outbox] == [["congdan@example.vn"]]
    finally:
        app.close()
        _restore_project_app()

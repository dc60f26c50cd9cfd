"""Background jobs on a real Celery worker over Redis: end to end, and a worker killed mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from shangdui.core.jobs import job_enqueue
from shangdui.core.models import Job
from shangdui.org.models import Member

REDIS_URL = os.environ.get("SHANGDUI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _redis_or_skip() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is required in CI")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return client


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{db['NAME']}"


class Worker:
    def __init__(self, name: str, *, beat: bool = False, broker_url: str = REDIS_URL) -> None:
        env = dict(os.environ, CELERY_BROKER_URL=broker_url, DATABASE_URL=_database_url(),
                   SHANGDUI_DATA_DIR=str(settings.DATA_DIR), SHANGDUI_BROKER_VISIBILITY_TIMEOUT="5",
                   SHANGDUI_JOB_STALE_SECONDS="4", SHANGDUI_JOB_SWEEP_SECONDS="2",
                   DJANGO_SETTINGS_MODULE="shangdui.settings")
        env.pop("SHANGDUI_TASKS_EAGER", None)
        args = [str(Path(sys.executable).parent / "celery"), "-A", "shangdui", "worker", "--concurrency", "1",
                "--loglevel", "INFO", "-n", f"{name}@%h", "--without-gossip", "--without-mingle"]
        if beat:
            args += ["--beat", "--schedule", str(settings.DATA_DIR / f"beat-{name}")]
        self.log = open(settings.DATA_DIR / f"worker-{name}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(args, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children): no chance to ack or restore."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def _reset_connections(app: Any) -> None:
    """Drop pooled broker connections so the next send uses the broker configured now."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker() -> Iterator[Any]:
    client = _redis_or_skip()
    client.flushdb()
    from shangdui.celery import app

    old = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = REDIS_URL
    app.conf.task_always_eager = False
    _reset_connections(app)
    yield client
    app.conf.broker_url, app.conf.task_always_eager = old
    _reset_connections(app)
    client.flushdb()


def _wait(job_id: int, predicate: Any, timeout: float) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if predicate(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not reach the expected state: {Job.objects.get(pk=job_id).__dict__}")


def _roster(rows: int) -> SimpleUploadedFile:
    lines = ["登录名,姓名,部门,擅长"] + [f"user{i:05d},成员{i},运营部,沟通:2" for i in range(rows)]
    return SimpleUploadedFile("roster.csv", ("\n".join(lines) + "\n").encode("utf-8"))


def _enqueue_import(world: Any, rows: int) -> Job:
    with transaction.atomic():
        job = job_enqueue(organization=world.org, kind="org.import_members", title="导入",
                          created_by=world.director.user, input_file=_roster(rows))
    return job


def test_job_runs_end_to_end_on_a_real_worker(world: Any, broker: Any) -> None:
    worker = Worker("e2e")
    try:
        job = _enqueue_import(world, 30)
        done = _wait(job.pk, lambda j: j.status in ("done", "failed"), 60)
    finally:
        worker.stop()
    assert done.status == "done", done.error
    assert done.result["created"] == 30 and done.progress == 100 and done.attempts == 1
    assert Member.objects.filter(organization=world.org, user__username__startswith="user").count() == 30


@pytest.fixture
def embedded_broker(tmp_path: Path) -> Iterator[str]:
    """The single-machine default: kombu's SQLAlchemy transport on a SQLite file, no service needed."""
    from shangdui.celery import app

    url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    old = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = url, False, {}
    _reset_connections(app)
    yield url
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = old
    _reset_connections(app)


def test_job_runs_on_the_embedded_broker(world: Any, embedded_broker: str) -> None:
    worker = Worker("embedded", broker_url=embedded_broker)
    try:
        job = _enqueue_import(world, 10)
        done = _wait(job.pk, lambda j: j.status in ("done", "failed"), 90)
    finally:
        worker.stop()
    assert done.status == "done", done.error
    assert done.result["created"] == 10


def test_worker_killed_mid_job_completes_exactly_once(world: Any, broker: Any) -> None:
    rows = 500
    before = Member.objects.count()
    first = Worker("first")
    try:
        job = _enqueue_import(world, rows)
        _wait(job.pk, lambda j: j.status == "running" and 3 <= j.progress <= 60, 120)
        first.kill()
    finally:
        first.stop()
    killed = Job.objects.get(pk=job.pk)
    assert killed.status == "running" and killed.progress < 100
    partial = Member.objects.count() - before
    assert 0 < partial < rows

    second = Worker("second", beat=True)
    try:
        done = _wait(job.pk, lambda j: j.status in ("done", "failed"), 240)
        time.sleep(3)  # a late duplicate delivery, if any, would run now
    finally:
        second.stop()
    assert done.status == "done", done.error
    assert done.attempts == 2
    assert Member.objects.count() - before == rows
    assert Member.objects.filter(user__username__startswith="user").values("user__username").distinct().count() == rows
    final = Job.objects.get(pk=job.pk)
    assert final.status == "done" and final.attempts == 2 and final.finished_at == done.finished_at

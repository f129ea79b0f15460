import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from ... import jobs
from ...derived import audit_next, repair
from ...hsds import published


class Command(BaseCommand):
    help = (
        "Run the background tasks (imports, exports, the duplicates scan) as "
        "they are queued, and the directory's chores every few minutes: "
        "repair derived rows whose rebuild was missed (and rebuild a few "
        "more services each time, round after round), rewrite the public "
        "full export when the published data has changed, and delete job "
        "files older than a week. Run one "
        "(or more) beside the web servers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between looks at the queue when it is empty.",
        )
        parser.add_argument(
            "--chores-every",
            type=int,
            default=60,
            help="Seconds between chores (default: %(default)s).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run what is queued and the chores once, then stop.",
        )

    def handle(self, *args, interval, chores_every, once, **options):
        worker_id = get_random_string(32)
        last_chores = None
        while True:
            worker = Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            )
            if not once:
                worker.configure_signals()  # a stop waits for the task
            worker.run()  # everything queued, then back here
            now = time.monotonic()
            if last_chores is None or now - last_chores >= chores_every:
                self.chores()
                last_chores = now
            if once:
                return
            close_old_connections()
            time.sleep(interval)

    def chores(self) -> None:
        jobs.prune()
        audit_next(settings.DIRECTORY_AUDIT_BATCH)
        repaired = repair()
        if repaired:
            self.stdout.write(f"Repaired the derived rows of {repaired} services.")
        if published.publish_if_changed():
            self.stdout.write(f"Public export written at {dt.datetime.now():%H:%M:%S}.")

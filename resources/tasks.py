"""Background tasks (Django's Tasks framework, queued in the database).

Run by `manage.py worker`, which also repairs derived rows and refreshes
the public export on its own schedule (see that command).
"""

from django.tasks import task


@task
def run_job(job_id: str) -> str:
    from . import jobs

    return jobs.run(job_id)


@task
def repair_derived() -> int:
    from . import derived

    return derived.repair()


@task
def publish_public_export() -> bool:
    from .hsds import published

    return published.publish_if_changed()

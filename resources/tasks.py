"""Background tasks (Django's Tasks framework, queued in the database).

Run by `manage.py worker`, which also does the directory's chores on its
own schedule (repairs, the public export; see that command).
"""

from django.tasks import task


@task
def run_job(job_id: str) -> str:
    from . import jobs

    return jobs.run(job_id)

"""Background jobs in the admin: follow one, cancel it, download its file.

Each staff member sees their own jobs; administrators see everyone's. A
job's page refreshes itself until the job ends (no script needed).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tasks_db.models import DBTaskResult

from .. import jobs
from ..models import Job
from ..roles import ADMINISTRATORS


def sees_every_job(user) -> bool:
    return user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "status", "shown_step", "requested_by")
    list_filter = ("kind", "status")
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("step"))
    def shown_step(self, job):
        step = _(job.step) if job.step else ""
        return f"{step} ({job.percent}%)" if job.percent is not None else step

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_every_job(request.user):
            return queryset
        return queryset.filter(requested_by=request.user)

    def has_add_permission(self, request):
        return False  # queued from the import, export and duplicates pages

    def has_change_permission(self, request, obj=None):
        return False  # followed, cancelled and downloaded; never edited

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<uuid:pk>/cancel/",
                view(require_POST(self.cancel_view)),
                name="resources_job_cancel",
            ),
            path(
                "<uuid:pk>/download/",
                view(self.download_view),
                name="resources_job_download",
            ),
            *super().get_urls(),
        ]

    def job_for(self, request, pk) -> Job:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # None for an id that is not one, or a job that is not theirs.
        job = self.get_object(request, unquote(object_id))
        if job is None:
            return HttpResponseRedirect(reverse("admin:resources_job_changelist"))
        context = self.admin_site.each_context(request) | {
            "title": str(job),
            "job": job,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/resources/job.html", context)

    @staticmethod
    def _back(job):
        return HttpResponseRedirect(
            reverse("admin:resources_job_change", args=[job.pk])
        )

    def cancel_view(self, request, pk):
        job = self.job_for(request, pk)
        if jobs.cancel(job):
            messages.info(request, _("Asked the worker to stop this job."))
        else:
            messages.warning(request, _("This job has already finished."))
        return self._back(job)

    def download_view(self, request, pk):
        job = self.job_for(request, pk)
        path = jobs.job_dir() / job.output_file if job.output_file else None
        if path is None or job.status != Job.Status.DONE or not path.exists():
            raise Http404
        response = FileResponse(
            path.open("rb"), as_attachment=True, filename=job.output_name
        )
        response["Cache-Control"] = "no-store"
        return response


# The queue's own rows are the worker's bookkeeping; people follow jobs.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

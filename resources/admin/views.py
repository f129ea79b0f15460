"""Caseworkers' pages beside the model admins: verification, duplicates, reports.

Each is wrapped in `admin_site.admin_view` (signed in, second factor
passed) and checks its own permission; organization editors hold none.
"""

import csv
import datetime
import io
import uuid
from collections import Counter

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from .. import jobs, taxonomies
from ..duplicates import DEFAULT_THRESHOLD, Candidate
from ..hsds.mapping import guard_cell
from ..models import (
    Attribute,
    ChangeRequest,
    Job,
    Organization,
    Phone,
    Service,
    TaxonomyTerm,
    Verification,
    ZeroResultSearch,
)
from ..models.jobs import FINISHED
from ..models.reports import MIN_DAYS_SEEN, RETENTION_DAYS
from ..models.services import VerificationState
from ..policy import verification_policy
from ..roles import is_organization_editor
from ..services import organization_merge, service_merge
from .forms import MergeForm

LIST_LIMIT = 100
STATES = (
    VerificationState.OVERDUE,
    VerificationState.DUE,
    VerificationState.NEVER,
    VerificationState.CURRENT,
)


def _require(request, *perms: str) -> None:
    user = request.user
    if is_organization_editor(user) or not all(user.has_perm(p) for p in perms):
        raise PermissionDenied


def _render(request, template: str, title: str, **context):
    return TemplateResponse(
        request,
        template,
        admin.site.each_context(request) | {"title": title, **context},
    )


def _categories():
    """Return the category terms as (code, label, parent code), parents first."""
    terms = TaxonomyTerm.objects.filter(
        taxonomy_detail_id=taxonomies.CATEGORIES_ID
    ).select_related("parent")
    return sorted(
        (
            (
                term.code,
                f"{term.parent} › {term}" if term.parent else str(term),
                term.parent.code if term.parent else None,
            )
            for term in terms
        ),
        key=lambda row: row[1],
    )


def _category_counts(services) -> list[dict]:
    """Count services per category and state; a parent counts its children's.

    `services` is annotated with `verification_state`.
    """
    service_states = dict(services.values_list("pk", "verification_state"))
    rows = (
        Attribute.objects.for_entity("service")
        .filter(
            link_id__in=services.values("pk"),
            taxonomy_term__taxonomy_detail_id=taxonomies.CATEGORIES_ID,
        )
        .values_list(
            "link_id",
            "taxonomy_term__code",
            "taxonomy_term__name",
            "taxonomy_term__parent__code",
            "taxonomy_term__parent__name",
        )
    )
    # (top-level name, child name or "") -> (code, services), parents first.
    members: dict[tuple, tuple[str, set]] = {}
    for service_id, code, name, parent_code, parent_name in rows:
        if parent_code:
            members.setdefault((parent_name, ""), (parent_code, set()))[1].add(
                service_id
            )
            members.setdefault((parent_name, name), (code, set()))[1].add(service_id)
        else:
            members.setdefault((name, ""), (code, set()))[1].add(service_id)
    table = []
    for (parent, child), (code, ids) in sorted(members.items()):
        states = Counter(service_states[pk] for pk in ids)
        table.append(
            {
                "label": f"{parent} › {child}" if child else parent,
                "code": code,
                "child": bool(child),
                "total": len(ids),
                "states": [states.get(state, 0) for state in STATES],
            }
        )
    return table


SECTIONS = {
    VerificationState.OVERDUE: (_l("Overdue"), ("assured_date", "name")),
    VerificationState.DUE: (_l("Due soon"), ("assured_date", "name")),
    VerificationState.NEVER: (_l("Never verified"), ("organization__name", "name")),
}
SORTS = {
    "due": (_l("Due date"), None),
    "organization": (_l("Organization"), ("organization__name", "name")),
    "name": (_l("Service"), ("name",)),
    "unreachable": (_l("Could not reach"), ("-unreachable_count", "assured_date")),
}
CALL_SHEET_COLUMNS = (
    _l("State"),
    _l("Service"),
    _l("Organization"),
    _l("Phones"),
    _l("Last verified"),
    _l("Due"),
    _l("Could not reach, in a row"),
    _l("Last attempt"),
    _l("Last outcome"),
    _l("Flagged for review"),
)


def _call_list(services, state: str, order, policy) -> list[Service]:
    """Return up to LIST_LIMIT services in `state`, ready to call.

    Each has `call_phones` (its own, else its organization's), its three
    latest attempts (`recent_attempts`), `unreachable_count`, `flagged`
    (the open review queued after repeated missed calls) and `due_date`. A fixed
    number of queries, whatever the number of rows.
    """
    flagged = ChangeRequest.objects.open().filter(
        service=OuterRef("pk"), source=ChangeRequest.Source.VERIFICATION
    )
    rows = list(
        services.filter(verification_state=state)
        .with_unreachable_count()
        .annotate(flagged=Subquery(flagged.values("pk")[:1]))
        .select_related("organization")
        .prefetch_related(
            Prefetch("phones", queryset=Phone.objects.order_by("-main", "number")),
            Prefetch(
                "organization__phones",
                queryset=Phone.objects.filter(service=None, location=None).order_by(
                    "-main", "number"
                ),
            ),
            Prefetch(
                "verifications",
                queryset=Verification.objects.order_by("-verified_at")[:3],
                to_attr="recent_attempts",
            ),
        )
        .order_by(*order)[:LIST_LIMIT]
    )
    for row in rows:
        row.call_phones = list(row.phones.all()) or list(row.organization.phones.all())
        row.due_date = (
            policy.due_date(row.assured_date, row.verification_months)
            if row.assured_date
            else None
        )
    return rows


def verification_dashboard(request):
    """The call list: what to verify, with the numbers to call and past attempts.

    Filter by organization, category and due window; sort; print it as a
    call sheet (`?format=print`) or download it (`?format=csv`).
    """
    _require(request, "resources.verify_service")
    today = timezone.localdate()
    policy = verification_policy()
    services = Service.objects.filter(status__in=Service.VISIBLE_STATUSES)
    organization_id = request.GET.get("organization") or ""
    category = request.GET.get("category") or ""
    window = request.GET.get("due") or ""
    window = window if window in SECTIONS else ""
    sort = request.GET.get("sort") or "due"
    sort = sort if sort in SORTS else "due"
    organization = None
    if organization_id:
        organization = Organization.objects.filter(pk=_uuid(organization_id)).first()
        services = services.filter(organization=organization)
    if category:
        services = services.with_terms(TaxonomyTerm.objects.category_tree([category]))
    services = services.with_verification_state(today)

    sections = []
    for state, (title, order) in SECTIONS.items():
        if window and state != window:
            continue
        order = SORTS[sort][1] or order
        rows = _call_list(services, state, order, policy)
        count = services.filter(verification_state=state).count()
        sections.append({"state": state, "title": title, "rows": rows, "count": count})

    output = request.GET.get("format")
    if output == "csv":
        return _call_sheet_csv(sections, today)
    if output == "print":
        return TemplateResponse(
            request,
            "admin/resources/call_sheet.html",
            {
                "title": _("Verification call sheet"),
                "sections": sections,
                "today": today,
                "selected_organization": organization,
                "selected_category": category,
            },
        )

    by_organization: dict = {}
    for row in (
        services.exclude(verification_state=VerificationState.CURRENT)
        .values("organization_id", "organization__name", "verification_state")
        .annotate(n=Count("pk"))
        .order_by("organization__name")
    ):
        entry = by_organization.setdefault(
            row["organization_id"],
            {"id": row["organization_id"], "name": row["organization__name"]},
        )
        entry[row["verification_state"]] = row["n"]
    needing = services.exclude(verification_state=VerificationState.CURRENT)
    query = request.GET.copy()
    query.pop("format", None)
    return _render(
        request,
        "admin/resources/verification_dashboard.html",
        _("Verification"),
        sections=sections,
        by_organization=list(by_organization.values()),
        by_category=_category_counts(needing),
        states=STATES[:3],
        organizations=Organization.objects.order_by("name").values_list("pk", "name"),
        categories=_categories(),
        windows=[(state, title) for state, (title, _order) in SECTIONS.items()],
        sorts=[(key, label) for key, (label, _order) in SORTS.items()],
        selected_organization=organization,
        selected_category=category,
        selected_window=window,
        selected_sort=sort,
        query=query.urlencode(),
        policy=policy,
        today=today,
    )


def _call_sheet_csv(sections, today) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(column) for column in CALL_SHEET_COLUMNS])
    for section in sections:
        for service in section["rows"]:
            last = service.recent_attempts[0] if service.recent_attempts else None
            cells = [
                str(section["title"]),
                service.name,
                service.organization.name,
                "; ".join(_phone_text(phone) for phone in service.call_phones),
                service.assured_date.isoformat() if service.assured_date else "",
                service.due_date.isoformat() if service.due_date else "",
                str(service.unreachable_count),
                timezone.localtime(last.verified_at).strftime("%Y-%m-%d %H:%M")
                if last
                else "",
                last.get_outcome_display() if last else "",
                _("yes") if service.flagged else "",
            ]
            writer.writerow([guard_cell(cell) for cell in cells])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="verification-calls-{today.isoformat()}.csv"'
    )
    return response


def _phone_text(phone: Phone) -> str:
    return f"{phone.number} x{phone.extension}" if phone.extension else phone.number


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


MERGE_KINDS = {
    "organization": (Organization, "resources.merge_organization", organization_merge),
    "service": (Service, "resources.merge_service", service_merge),
}


def duplicates(request):
    """Likely duplicate organizations and services, each with a merge link.

    Comparing every record with every other takes long on a large
    directory, so the scan is a background job (`resources.jobs`): this
    page shows the latest finished scan, a running one's progress, and
    queues a new one.
    """
    kinds = [
        kind
        for kind, (_model, perm, _merge) in MERGE_KINDS.items()
        if request.user.has_perm(perm)
    ]
    if not kinds or is_organization_editor(request.user):
        raise PermissionDenied
    try:
        threshold = min(100, max(50, int(request.POST.get("threshold", ""))))
    except ValueError:
        threshold = DEFAULT_THRESHOLD
    if request.method == "POST":
        jobs.queue(
            Job.Kind.DUPLICATES,
            user=request.user,
            options={"threshold": threshold, "kinds": kinds},
        )
        messages.info(request, _("The scan has started; this page shows it."))
        return HttpResponseRedirect(reverse("admin:duplicates"))
    scans = Job.objects.filter(kind=Job.Kind.DUPLICATES)
    running = scans.exclude(status__in=FINISHED).order_by("-created_at").first()
    latest = scans.filter(status=Job.Status.DONE).order_by("-finished_at").first()
    found = latest.summary.get("candidates", {}) if latest else {}
    groups = [
        {
            "kind": kind,
            "title": _("Organizations") if kind == "organization" else _("Services"),
            "candidates": _still_there(kind, found.get(kind, [])),
        }
        for kind in kinds
        if kind in found
    ]
    return _render(
        request,
        "admin/resources/duplicates.html",
        _("Likely duplicates"),
        groups=groups,
        latest=latest,
        running=running,
        threshold=(latest.summary.get("threshold") if latest else None)
        or DEFAULT_THRESHOLD,
    )


def _still_there(kind: str, pairs: list[dict]) -> list[Candidate]:
    """The scan's pairs whose two records both still exist (none merged since)."""
    model = MERGE_KINDS[kind][0]
    records = model.objects.all()
    if kind == "service":
        records = records.select_related("organization")
    ids = {pk for pair in pairs for pk in (pair["first"], pair["second"])}
    by_pk = {str(pk): record for pk, record in records.in_bulk(list(ids)).items()}
    return [
        Candidate(
            by_pk[pair["first"]],
            by_pk[pair["second"]],
            reasons=pair["reasons"],
            score=pair["score"],
        )
        for pair in pairs
        if pair["first"] in by_pk and pair["second"] in by_pk
    ]


def _related_counts(record) -> list[tuple[str, int]]:
    counts = []
    for relation in record._meta.related_objects:
        if relation.related_model.__name__ in ("SearchEntry", "OpeningWindow"):
            continue
        if not relation.field.concrete:
            continue
        count = relation.related_model._default_manager.filter(
            **{relation.field.name: record}
        ).count()
        if count:
            counts.append(
                (str(relation.related_model._meta.verbose_name_plural), count)
            )
    return counts


def merge(request):
    """Merge two records: choose the one to keep; everything of the other moves."""
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if kind not in MERGE_KINDS:
        raise Http404
    model, perm, merge_records = MERGE_KINDS[kind]
    _require(request, perm)
    ids = [_uuid(value) for value in request.GET.getlist("id")[:2]]
    records = list(model.objects.filter(pk__in=ids))
    if len(ids) != 2 or len(records) != 2:
        raise Http404
    form = MergeForm(request.POST or None, records=records)
    if request.method == "POST" and form.is_valid():
        keep = next(r for r in records if str(r.pk) == form.cleaned_data["keep"])
        other = next(r for r in records if r is not keep)
        try:
            merge_records(keep=keep, merge=other, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("“%(merged)s” was merged into “%(kept)s”.")
                % {"merged": other, "kept": keep},
            )
            opts = model._meta
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change", args=[keep.pk]
                )
            )
    return _render(
        request,
        "admin/resources/merge.html",
        _("Merge duplicates"),
        kind=kind,
        opts=model._meta,
        form=form,
        records=[(record, _related_counts(record)) for record in records],
    )


# The counts of searches are kept for RETENTION_DAYS (90): no longer period.
REPORT_PERIODS = (7, 30, RETENTION_DAYS)


def reports(request):
    """Counts by category and verification state, and what searches did not find.

    A search's words are listed only once they were searched on
    `MIN_DAYS_SEEN` different days; the counts by day name no words.
    """
    _require(request, "resources.view_service", "resources.view_zeroresultsearch")
    today = timezone.localdate()
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    if days not in REPORT_PERIODS:
        days = 30
    published = Service.objects.published().with_verification_state(today)
    by_state = dict(
        published.values_list("verification_state").annotate(n=Count("pk")).order_by()
    )
    since = today - datetime.timedelta(days=days - 1)
    searches = ZeroResultSearch.objects.filter(date__gte=since)
    searches_admin = admin.site.get_model_admin(ZeroResultSearch)
    return _render(
        request,
        "admin/resources/reports.html",
        _("Reports"),
        total=sum(by_state.values()),
        by_state=[
            (VerificationState(state).label, by_state.get(state, 0)) for state in STATES
        ],
        by_category=_category_counts(published),
        states=[VerificationState(state).label for state in STATES],
        words=searches.shown(today)
        .values("words")
        .annotate(total=Sum("count"), days_seen=Count("date", distinct=True))
        .order_by("-total", "words")[:LIST_LIMIT],
        daily=searches.values("date")
        .annotate(total=Sum("count"), distinct_words=Count("words"))
        .order_by("-date"),
        days=days,
        periods=REPORT_PERIODS,
        min_days_seen=MIN_DAYS_SEEN,
        retention_days=RETENTION_DAYS,
        can_alias=searches_admin.has_alias_permission(request),
        can_synonyms=searches_admin.has_synonyms_permission(request),
    )

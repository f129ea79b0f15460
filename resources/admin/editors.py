"""Organization editors in the admin: their own listings only, edits held for review.

An editor opens the same change pages as a caseworker, with fewer fields
and inlines. Saving does not write to the listing: the form's and inlines'
differences from the published version become one `ChangeRequest` in the
caseworkers' queue (see `resources.changes`). Editors cannot add or delete
listings, revert history, run actions, or open anything outside the
organizations they are bound to: out of scope is "does not exist".
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _

from .. import changes
from ..roles import edited_organization_ids, is_organization_editor
from ..services import change_request_propose


class EditorScopedAdmin:
    """Mix into a listing's ModelAdmin (before SimpleHistoryAdmin)."""

    #: Lookup from this model to its organization's id.
    editor_scope = "organization_id"
    editor_fieldsets = None
    editor_readonly_fields = ()
    editor_inlines = ()

    def is_editor(self, request) -> bool:
        return is_organization_editor(request.user)

    # Scope ---------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.is_editor(request):
            queryset = queryset.filter(
                **{f"{self.editor_scope}__in": edited_organization_ids(request.user)}
            )
        return queryset

    def in_scope(self, request, obj) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if allowed and obj is not None and self.is_editor(request):
            return self.in_scope(request, obj)
        return allowed

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and self.is_editor(request):
            return self.in_scope(request, obj)
        return allowed

    def has_add_permission(self, request):
        return not self.is_editor(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return not self.is_editor(request) and super().has_delete_permission(
            request, obj
        )

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        if self.is_editor(request):
            return {}
        return super().get_actions(request, action_location)

    # What an editor sees ---------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if self.is_editor(request) and self.editor_fieldsets is not None:
            return self.editor_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self.is_editor(request):
            return self.editor_readonly_fields
        return super().get_readonly_fields(request, obj)

    def get_inlines(self, request, obj):
        if self.is_editor(request):
            return self.editor_inlines
        return super().get_inlines(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.is_editor(request):
            # The plain model form: no taxonomy checkboxes to save on the side.
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.is_editor(request) and request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                pending = obj.change_requests.open().filter(submitted_by=request.user)
                count = pending.count()
                if count:
                    self.message_user(
                        request,
                        _(
                            "%(count)d of your changes to this listing are waiting "
                            "for a caseworker's review. The form shows the "
                            "published version."
                        )
                        % {"count": count},
                        messages.INFO,
                    )
        return super().change_view(request, object_id, form_url, extra_context)

    # Held edits --------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not self.is_editor(request):
            return super().save_model(request, obj, form, change)
        request._directory_operations = changes.form_operations(form)

    def save_formset(self, request, form, formset, change):
        if not self.is_editor(request):
            return super().save_formset(request, form, formset, change)
        request._directory_operations.extend(changes.formset_operations(formset))
        # The admin's change message reads these; nothing was saved.
        formset.new_objects = formset.changed_objects = formset.deleted_objects = []

    def save_related(self, request, form, formsets, change):
        if not self.is_editor(request):
            return super().save_related(request, form, formsets, change)
        for formset in formsets:
            self.save_formset(request, form, formset, change)
        listing = self.model._default_manager.get(pk=form.instance.pk)
        request._directory_change_request = change_request_propose(
            user=request.user,
            listing=listing,
            operations=request._directory_operations,
        )

    def log_change(self, request, obj, message):
        # Nothing changed yet: the change request records who proposed what.
        if not self.is_editor(request):
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        if not self.is_editor(request):
            return super().response_change(request, obj)
        if getattr(request, "_directory_change_request", None) is None:
            self.message_user(request, _("Nothing was changed."), messages.INFO)
        else:
            self.message_user(
                request,
                _(
                    "Thank you. Your changes were sent to the caseworkers; the "
                    "public will see them once they are approved."
                ),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(request.path)

    # History: only their own listings, and no revert ----------------------------

    def history_view(self, request, object_id, extra_context=None):
        if (
            self.is_editor(request)
            and self.get_object(request, unquote(object_id)) is None
        ):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self.is_editor(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return self.is_editor(request) or super().revert_disabled(request, obj)

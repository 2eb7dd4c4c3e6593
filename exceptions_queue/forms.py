"""Forms for acting on exceptions; every error is shown next to its field."""

from __future__ import annotations

from django import forms

from exceptions_queue.models import ExceptionItem
from exceptions_queue.selectors import exception_assignees

NOTE_REQUIRED = "A note is required: say why (what you fixed, or why it can be ignored)."
RETRY, RESOLVE, IGNORE, ASSIGN = "retry", "resolve", "ignore", "assign"
DESTRUCTIVE = {RESOLVE, IGNORE}


class NoteField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "cols": 60}))
        super().__init__(max_length=2000, strip=True, **kwargs)


class ExceptionCloseForm(forms.Form):
    """Resolve or ignore one item: the note is what the next person reads."""

    note = NoteField(error_messages={"required": NOTE_REQUIRED})


class AssigneeField(forms.ModelChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            queryset=exception_assignees(), required=False, empty_label="Nobody", **kwargs
        )

    def label_from_instance(self, obj) -> str:
        return obj.get_username()


class ExceptionAssignForm(forms.Form):
    assignee = AssigneeField(label="Assign to")


class ExceptionBulkForm(forms.Form):
    ids = forms.ModelMultipleChoiceField(
        queryset=ExceptionItem.objects.all(),
        label="Exceptions",
        error_messages={"required": "Select at least one exception."},
        widget=forms.CheckboxSelectMultiple,
    )
    action = forms.ChoiceField(
        choices=[
            ("", "Choose an action"),
            (RETRY, "Retry"),
            (RESOLVE, "Resolve with note"),
            (IGNORE, "Ignore with note"),
            (ASSIGN, "Assign"),
        ],  # fmt: skip
        error_messages={"required": "Choose an action."},
    )
    note = NoteField(required=False, label="Note (for resolve and ignore)")
    assignee = AssigneeField(label="Assign to (for assign)")
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") in DESTRUCTIVE and not data.get("note"):
            self.add_error("note", NOTE_REQUIRED)
        return data

    @property
    def needs_confirmation(self) -> bool:
        return self.cleaned_data["action"] in DESTRUCTIVE and not self.cleaned_data["confirmed"]

from django import forms

from .models import ReportReason
from .services import NOTE_MAX


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=ReportReason.choices)
    note = forms.CharField(max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}))

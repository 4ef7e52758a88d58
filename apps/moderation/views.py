from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.core.errors import Conflict
from apps.core.htmx import HtmxHttpRequest

from . import services
from .forms import ReportForm
from .kinds import KINDS


@require_POST
@login_required
def report(request: HtmxHttpRequest, kind: str, key: str) -> HttpResponse:
    """Report an upload, a performance or a profile: a line in place of the form, or a message."""
    reportable = KINDS.get(kind)
    if reportable is None:
        raise Http404("Nothing of that kind can be reported.")
    if reportable.lookup == "pk" and not key.isdigit():
        raise Http404("No such item.")
    item = get_object_or_404(reportable.public(), **{reportable.lookup: key})
    form = ReportForm(request.POST)
    text, ok = "Thank you: a curator will look at it.", False
    if form.is_valid():
        try:
            services.report_item(item, reporter=request.user, **form.cleaned_data)
            ok = True
        except ValidationError as exc:
            text = " ".join(exc.messages)
        except Conflict as exc:
            text, ok = exc.message, True
    else:
        text = "Choose a reason."
    if request.htmx:
        return render(request, "moderation/partials/report_result.html", {"text": text, "ok": ok})
    (messages.success if ok else messages.error)(request, text)
    return redirect(item.get_absolute_url())

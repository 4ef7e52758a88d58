"""Curators' area insights in the admin: engagement per artist home area, from the daily stats.

Registered on ArtistDay, whose only page here is this read-only summary, so the view
permission ``curation.view_artistday`` is what opens it. Artists' single days and any
amount of money (tips_amount) are never shown: curators must not see payment data.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from .models import ArtistDay
from .stats import AREA_COUNTS, area_totals, site_today

SPANS = (7, 30, 90)
DEFAULT_SPAN = 30
LABELS = {"new_followers": "New followers", "tips": "Tips (count)"}
COLUMNS = {name: LABELS.get(name, name.capitalize()) for name in AREA_COUNTS}

# The page is this module's alone; keeping its template here keeps it next to the rule above.
TEMPLATE = engines["django"].from_string(
    """{% extends "admin/base_site.html" %}
{% block breadcrumbs %}<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">Home</a> ›
<a href="{% url 'admin:app_list' app_label=opts.app_label %}">{{ opts.app_config.verbose_name }}</a> ›
{{ title }}</div>{% endblock %}
{% block content %}<div id="content-main">
<p>From {{ start|date:"j M Y" }} to {{ end|date:"j M Y" }}, by each artist's home area.
Counts only: tip amounts are not shown here.</p>
<p>{% for n in spans %}{% if n == span %}<strong>Last {{ n }} days</strong>
{% else %}<a href="?days={{ n }}">Last {{ n }} days</a>{% endif %}
{% if not forloop.last %} · {% endif %}{% endfor %}</p>
<div class="results"><table id="result_list" data-area-insights>
<caption class="visually-hidden">Engagement per area, busiest first</caption>
<thead><tr><th scope="col">Area</th><th scope="col">Active artists</th>
{% for label in columns.values %}<th scope="col">{{ label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr><th scope="row">
{% if row.area %}{{ row.area_name }}, {{ row.city }}{% else %}No home area{% endif %}</th>
<td>{{ row.artists }}</td>{% for value in row.values %}<td>{{ value }}</td>{% endfor %}</tr>
{% empty %}<tr><td colspan="{{ columns|length|add:2 }}">Nothing happened in this period.</td></tr>
{% endfor %}
</tbody>
{% if rows %}<tfoot><tr><th scope="row">All areas</th><td>{{ total_artists }}</td>
{% for value in totals %}<td><strong>{{ value }}</strong></td>{% endfor %}</tr></tfoot>{% endif %}
</table></div>
</div>{% endblock %}"""
)


class AreaInsightsAdmin(admin.ModelAdmin):
    """Read-only: no add, change, delete or per-row pages, only the summary."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ArtistDay | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ArtistDay | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        # Only the summary: a row's own page would show an artist's tip amounts.
        info = self.opts.app_label, self.opts.model_name
        return [
            path("", self.admin_site.admin_view(self.changelist_view), name=f"{info[0]}_{info[1]}_changelist")
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            span = int(request.GET.get("days", DEFAULT_SPAN))
        except ValueError:
            span = DEFAULT_SPAN
        if span not in SPANS:
            span = DEFAULT_SPAN
        end = site_today()
        start = end - timedelta(days=span - 1)
        rows = [
            {
                "area": row["area"],
                "area_name": row["area_name"],
                "city": row["city"],
                "artists": row["artists"],
                "values": [row[name] for name in COLUMNS],
            }
            for row in area_totals(start, end)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Area insights: last {span} days",
            "opts": self.opts,
            "rows": rows,
            "columns": COLUMNS,
            "totals": [sum(row["values"][i] for row in rows) for i in range(len(COLUMNS))],
            "total_artists": sum(row["artists"] for row in rows),
            "start": start,
            "end": end,
            "span": span,
            "spans": SPANS,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, TEMPLATE, context)


admin.site.register(ArtistDay, AreaInsightsAdmin)

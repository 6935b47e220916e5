"""Serializers of the periodic reports API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..figures import FIGURE_ROWS, ReportFigures, figure_value
from ..models import AgencyReport, ReportPeriod


class PeriodSummarySerializer(serializers.Serializer[Any]):
    expected = serializers.IntegerField(help_text="Agencies that must report.")
    filed = serializers.IntegerField()
    late = serializers.IntegerField()


class OwnReportSerializer(serializers.Serializer[Any]):
    agency = serializers.CharField(help_text="The agency's code.")
    report = serializers.IntegerField(allow_null=True, help_text="The report's id, once started.")
    status = serializers.ChoiceField(choices=["not_started", "draft", "submitted"])
    late = serializers.BooleanField()


class PeriodSerializer(serializers.ModelSerializer[ReportPeriod]):
    # Declared, not derived: a small integer's range is the database's, and the schema
    # must read the same on SQLite and PostgreSQL.
    year = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    summary = PeriodSummarySerializer(allow_null=True, help_text="Supervisors only.")
    own_reports = OwnReportSerializer(many=True, help_text="The caller's agencies' reports.")

    class Meta:
        model = ReportPeriod
        fields = [
            "id",
            "kind",
            "year",
            "title",
            "covers_from",
            "covers_to",
            "due_on",
            "summary",
            "own_reports",
        ]


def figures_data(figures: ReportFigures) -> dict[str, int | float | None]:
    """Return the figures the page shows, by attribute (shares as numbers, None without data)."""
    data: dict[str, int | float | None] = {}
    for row in FIGURE_ROWS:
        value = figure_value(figures, row)
        data[row.attribute] = value if value is None or isinstance(value, int) else float(value)
    return data


class ReportSerializer(serializers.ModelSerializer[AgencyReport]):
    period = serializers.IntegerField(source="period_id")
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    figures = serializers.SerializerMethodField()

    class Meta:
        model = AgencyReport
        fields = [
            "id",
            "period",
            "agency",
            "agency_name",
            "status",
            "late",
            "submitted_at",
            "figures_as_of",
            "figures",
            "situation",
            "difficulties",
            "proposals",
            "other",
        ]

    def get_figures(self, report: AgencyReport) -> dict[str, int | float | None]:
        figures: ReportFigures = self.context["figures"]
        return figures_data(figures)

"""Issue 12: a crawl run's findings as .xlsx and .csv from the run's page, and the "new in this run" / "fixed in
this run" filter of the findings list without a run chosen (the latest run)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from tillgang.register.findings_export import RUN_COLUMNS
from tillgang.register.models import CrawlRun

from .test_review import A, _client, _finding, _ids, data  # noqa: F401  (data is a fixture)

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def test_a_run_exports_as_csv_and_xlsx(data: dict[str, Any], make_user: Callable[..., Any]) -> None:  # noqa: F811
    from openpyxl import load_workbook

    run1, run2 = data["runs"]
    f = data["f"]
    f["c_new"].message = '=HYPERLINK("http://evil.example")'
    f["c_new"].save()
    client = _client(make_user, "reader")
    page = client.get(f"/genomsokningar/{run2.pk}/").content.decode()
    assert f'href="/genomsokningar/{run2.pk}/export.xlsx"' in page
    assert f'href="/genomsokningar/{run2.pk}/export.csv"' in page
    response = client.get(f"/genomsokningar/{run2.pk}/export.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="genomsokning-{run2.pk}-2026-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert tuple(rows[0]) == RUN_COLUMNS
    by_id = {int(r[1]): r for r in rows[1:]}
    assert set(by_id) == {f[k].pk for k in ("a", "b_title", "c", "c_new", "b")}
    assert by_id[f["c_new"].pk][0] == "ny" and by_id[f["a"].pk][0] == "kvarstår"
    assert by_id[f["b"].pk][0] == "åtgärdad" and rows[-1][1] == str(f["b"].pk)  # fixed ones last
    assert by_id[f["c_new"].pk][RUN_COLUMNS.index("Meddelande")].startswith("'=HYPERLINK")
    # the first run: everything new, nothing fixed
    first = client.get(f"/genomsokningar/{run1.pk}/export.csv").content.decode("utf-8").lstrip("\ufeff")
    assert {r[0] for r in list(csv.reader(io.StringIO(first), delimiter=";"))[1:]} == {"ny"}
    book = load_workbook(io.BytesIO(client.get(f"/genomsokningar/{run2.pk}/export.xlsx").content))
    sheet = book.active
    assert sheet is not None and sheet.title == "Genomsökning"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == RUN_COLUMNS and len(values) == 6
    cell = next(c for c in sheet["J"] if isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))
    assert cell.data_type == "s"  # text, never a formula
    assert book.properties.title.startswith("Genomsökning av https://")
    assert client.get(f"/genomsokningar/{run2.pk}/export.pdf").status_code == 404
    assert client.get("/genomsokningar/999999/export.csv").status_code == 404


def test_new_and_fixed_without_a_run_use_the_latest_run(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    f = {k: v.pk for k, v in data["f"].items()}
    run2 = data["runs"][1]
    client = _client(make_user, "reader")
    assert _ids(client, "andring=ny") == {f["c_new"]}
    assert _ids(client, "andring=atgardad") == {f["b"]}
    assert _ids(client, "andring=ny&regel=pdf-tagged") == set()
    html = client.get("/avvikelser/?andring=ny").content.decode()
    assert f'förändringen gäller den senaste: <a href="/genomsokningar/{run2.pk}/">' in html
    assert (
        "förändringen gäller den senaste"
        not in client.get(f"/avvikelser/?andring=ny&korning={run2.pk}").content.decode()
    )
    export = client.get("/avvikelser/export.csv?andring=ny").content.decode("utf-8").lstrip("\ufeff")
    assert [int(r[0]) for r in list(csv.reader(io.StringIO(export), delimiter=";"))[1:]] == [f["c_new"]]
    # a newer run becomes the default; no runs at all: nothing is new
    run3 = CrawlRun.objects.create(
        run_id="run-3",
        site=run2.site,
        started=run2.started.replace(month=9),
        tool_version="0.1.0",
        catalogue="c" * 64,
    )
    late = _finding(A, "document-title", {"page": 3}, run3, run3)
    run3.summary = {"register": {"new": [late.pk], "fixed": [], "findings": [late.pk]}}
    run3.save()
    assert _ids(client, "andring=ny") == {late.pk}
    assert _ids(client, "andring=atgardad") == set()


def test_finding_rows_never_load_the_runs_summaries(data: dict[str, Any]) -> None:  # noqa: F811
    """A run's summary holds the ids of all its findings: loaded once per row it made exports quadratic
    (5000 findings: 13.6 s for the filtered list's CSV before, 0.5 s after; see the commit)."""
    from tillgang.register.findings_export import load_findings
    from tillgang.register.views_review import filter_findings

    found = [filter_findings({}).first(), load_findings([data["f"]["a"].pk])[0]]
    for finding in found:
        assert finding is not None
        assert {"summary", "config"} <= finding.first_seen.get_deferred_fields()
        assert {"summary", "config"} <= finding.last_seen.get_deferred_fields()
    assert found[0].last_seen.started == data["runs"][1].started  # the rest is there

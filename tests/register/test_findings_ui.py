"""The findings list for people: Swedish rule titles, severity, search, sort, export; a finding's fix advice."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from tillgang.register.findings_export import COLUMNS, rule_title

from .test_review import A, _client, _finding, _ids, data  # noqa: F401  (data is a fixture)

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def test_rows_show_swedish_rule_titles_and_severity(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    html = _client(make_user, "reader").get("/avvikelser/?regel=pdf-tagged").content.decode()
    title = rule_title("pdf-tagged")
    assert title != "pdf-tagged" and f'<td data-label="Regel">{title}<br>' in html
    assert '<span class="help">pdf-tagged, WCAG 1.3.1</span>' in html
    assert (
        '<th scope="col">Allvarlighetsgrad</th>' in html
        and '<td data-label="Allvarlighetsgrad">allvarlig</td>' in html
    )


def test_free_text_search_and_sort(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    f = {k: v.pk for k, v in data["f"].items()}
    client = _client(make_user, "reader")
    assert _ids(client, "sok=nyheter") == {f["c"], f["c_new"]}  # in the address
    assert _ids(client, "sok=enligt+document-title") == {f["b_title"]}  # in the message
    word = rule_title("pdf-tagged").split()[-1]  # a word of the Swedish title
    assert {f["a"], f["b"]} <= _ids(client, f"sok={word}")
    run2 = data["runs"][1]
    critical = _finding(A, "document-title", {"page": 99}, run2, run2)
    critical.severity = "critical"
    critical.save()
    rows = client.get("/avvikelser/?sortera=allvarlighet").context["rows"]
    assert rows[0]["f"].pk == critical.pk
    newest = client.get("/avvikelser/?sortera=forst").context["rows"]
    assert newest[0]["f"].first_seen == run2


def test_the_filtered_list_exports_as_csv_and_xlsx(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    from openpyxl import load_workbook

    f = data["f"]
    f["a"].message = '=HYPERLINK("https://evil.example")'
    f["a"].save()
    client = _client(make_user, "reader")
    response = client.get("/avvikelser/export.csv?regel=pdf-tagged")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 3  # header + a and b, every row (not one page)
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[str(f["a"].pk)][3] == rule_title("pdf-tagged") and by_id[str(f["a"].pk)][4] == "pdf-tagged"
    assert by_id[str(f["a"].pk)][8].startswith("'=")  # never a formula in a spreadsheet
    xlsx = client.get("/avvikelser/export.xlsx?regel=pdf-tagged")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(ws.iter_rows(values_only=True))
    assert values[0] == COLUMNS and len(values) == 3
    cell = next(c for row in ws.iter_rows(min_row=2) for c in row if str(c.value).startswith("=HYP"))
    assert cell.data_type == "s"
    html = client.get("/avvikelser/?regel=pdf-tagged").content.decode()
    assert 'href="/avvikelser/export.xlsx?regel=pdf-tagged"' in html
    assert client.get("/avvikelser/export.pdf").status_code == 404


def test_a_findings_page_has_the_title_fix_advice_and_a_link_to_the_document(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    finding = data["f"]["a"]
    html = _client(make_user, "reader").get(f"/avvikelser/{finding.pk}/").content.decode()
    assert f"<h1>Avvikelse {finding.pk}: {rule_title('pdf-tagged')}</h1>" in html
    assert "<h2>Så rättar du</h2>" in html
    assert f'<a href="{A}" rel="noreferrer">Öppna dokumentet på webbplatsen</a>' in html


def test_the_follow_up_report_downloads_from_the_plan_page(
    imported: Any, make_user: Callable[..., Any]
) -> None:
    from docx import Document

    from tillgang.register.models import Plan

    plan = Plan.objects.get()
    client = _client(make_user, "reader")
    html = client.get(f"/planer/{plan.pk}/").content.decode()
    url = f"/planer/{plan.pk}/uppfoljning-delar.docx"
    assert f'href="{url}"' in html
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text.startswith("Delårsuppföljning")
    assert client.get(f"/planer/{plan.pk}/uppfoljning-kvartal.docx").status_code == 404
    assert _client(make_user, None).get(url).status_code == 403

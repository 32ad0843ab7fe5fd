"""Issue 12: the register's defects, each with a test that failed on the code before its fix.

The review data (two runs of one site) comes from test_review's fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .test_review import _client, _ids, data  # noqa: F401  (data is a fixture)

pytestmark = [pytest.mark.db, pytest.mark.django_db]


# ------------------------------------------------------------------ findings filters


def test_an_unknown_filter_value_keeps_the_other_filters(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    f = {k: v.pk for k, v in data["f"].items()}
    client = _client(make_user, "reader")
    assert _ids(client, "regel=pdf-tagged&status=nonsense") == {f["a"], f["b"]}
    assert _ids(client, "regel=pdf-tagged&korning=999999") == {f["a"], f["b"]}
    html = client.get("/avvikelser/?regel=pdf-tagged&status=nonsense").content.decode()
    assert "nonsense" in html and "användes inte" in html


def test_status_filter_takes_the_swedish_labels_of_the_docs(
    data: dict[str, Any],  # noqa: F811
    make_user: Callable[..., Any],
) -> None:
    f = {k: v.pk for k, v in data["f"].items()}
    client = _client(make_user, "reader")
    open_ = {f["a"], f["b_title"], f["c"], f["c_new"]}
    assert _ids(client, "status=öppen") == open_
    assert _ids(client, "status=%C3%96ppen") == open_
    assert _ids(client, "status=åtgärdad") == {f["b"]}
    assert _ids(client, "status=falskt+larm") == set()
    assert _ids(client, "status=open") == open_

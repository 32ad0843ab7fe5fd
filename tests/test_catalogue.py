"""The catalogue's invariants: valid data, a check per rule, a rule per check, pass and fail fixtures per format."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tillgang.catalogue import FORMATS, load, validate
from tillgang.engine import load_checks
from tillgang.registry import CHECKS

from .conftest import FIXTURES, ROOT

FIXTURE_NAME = re.compile(
    r"^(pass|fail|review|inapplicable)-(docx|pptx|pdf|html|odt|odp|ods|xlsx)-[a-z0-9-]+\.[a-z]+$"
)


def test_catalogue_is_valid() -> None:
    assert validate(load()) == []


def test_every_rule_has_a_check_and_every_check_a_rule() -> None:
    load_checks()

    cat = load()
    assert sorted(set(cat.rules) - set(CHECKS)) == []
    assert sorted(set(CHECKS) - set(cat.rules)) == []


def test_a_formats_check_modules_hold_every_check_of_that_format() -> None:
    """``checks.FORMAT_MODULES``: with every module loaded, each check of a rule for that format (as the engine
    picks them) lives in one of the format's modules, so loading only those misses none."""
    from tillgang.checks import FORMAT_MODULES
    from tillgang.registry import checks_for

    load_checks()
    assert FORMAT_MODULES, "no format loads its checks alone"
    outside = [
        f"{fmt} {rule.id}: {func.__module__}.{func.__qualname__}"
        for fmt, modules in FORMAT_MODULES.items()
        for rule in load().for_format(fmt)
        for func in checks_for(rule.id, fmt)
        if func.__module__.rsplit(".", 1)[-1] not in modules
    ]
    assert outside == []


def test_loading_a_formats_checks_alone_registers_the_same_checks_in_the_same_order() -> None:
    """In a fresh process (this one has every module loaded): ``load_checks("pdf")`` gives each PDF rule the same
    check functions, in the same order, as loading every module."""
    script = (
        "import json, sys\n"
        "from tillgang.catalogue import load\n"
        "from tillgang.engine import load_checks\n"
        "from tillgang.registry import checks_for\n"
        "load_checks(sys.argv[1] or None)\n"
        "print(json.dumps({r.id: [f.__module__ + '.' + f.__qualname__ for f in checks_for(r.id, 'pdf')]"
        " for r in load().for_format('pdf')}))\n"
    )
    partial, full = (
        subprocess.run([sys.executable, "-c", script, fmt], check=True, capture_output=True, text=True).stdout
        for fmt in ("pdf", "")
    )
    assert partial == full
    assert all(json.loads(full).values())


def test_every_rule_has_pass_and_fail_fixtures_for_each_format() -> None:
    """Pass and fail per format; a manual rule (it only lists what a person must judge, never fails) pass and
    review, and no fail fixture."""
    missing = []
    for rule in load():
        folder = FIXTURES / rule.id
        names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        needed = ("pass", "review") if rule.automation == "manual" else ("pass", "fail")
        for fmt in rule.formats:
            for outcome in needed:
                if not any(n.startswith(f"{outcome}-{fmt}-") for n in names):
                    missing.append(f"{rule.id}: no {outcome}-{fmt}-* fixture")
        if rule.automation == "manual" and any(n.startswith("fail-") for n in names):
            missing.append(f"{rule.id}: a manual rule never fails, yet has a fail-* fixture")
    assert missing == []


def test_rule_sets_are_parsed_to_one_canonical_form() -> None:
    from tillgang.catalogue import DEFAULT_RULE_SET, RULE_SETS, parse_rule_sets

    assert parse_rule_sets("") == DEFAULT_RULE_SET
    assert parse_rule_sets("en301549") == DEFAULT_RULE_SET
    assert parse_rule_sets(" aaa, wcag22 ,aaa") == "wcag22,aaa"
    assert parse_rule_sets("en301549,review") == "review"
    assert parse_rule_sets(",".join(reversed(RULE_SETS))) == ",".join(RULE_SETS[1:])
    with pytest.raises(ValueError, match="'wcag3'"):
        parse_rule_sets("wcag22,wcag3")
    rule = next(r for r in load() if r.rule_set == "wcag22")
    assert rule.in_set("wcag22,aaa") and rule.in_set("wcag22") and not rule.in_set("aaa,review")
    assert not rule.in_set(DEFAULT_RULE_SET)
    assert all(r.in_set("aaa") for r in load() if r.rule_set == DEFAULT_RULE_SET)


def test_fixture_names_follow_the_convention() -> None:
    bad = [
        str(p.relative_to(FIXTURES))
        for p in FIXTURES.glob("*/*")
        if p.parent.name != "_make" and p.is_file() and not FIXTURE_NAME.match(p.name)
    ]
    assert bad == []
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert sorted(folders - set(load().rules)) == []


def test_catalogue_version_is_stable_and_content_based() -> None:
    cat = load()
    assert re.fullmatch(r"[0-9a-f]{64}", cat.version)
    assert load().version == cat.version


def test_every_format_is_known() -> None:
    assert all(set(r.formats) <= set(FORMATS) for r in load())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tillgang's wheel, built once for the tests that look inside it."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("tillgang-*.whl"))


@pytest.mark.slow
def test_catalogue_loads_from_an_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    """Build the wheel, unpack it away from the source tree, and load the catalogue from it."""
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "tillgang/rules/image-alt.toml" in names
        assert "tillgang/web/openapi.json" in names  # the API description is package data
        zf.extractall(tmp_path / "site")
    code = (
        "import tillgang.catalogue as c, pathlib; d = c.rules_dir();"
        "assert 'site' in str(d), d; cat = c.load(); print(len(cat), cat.version)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    count, version = result.stdout.split()
    assert int(count) == len(load())
    assert version == load().version


def test_the_wheel_ships_py_typed(wheel: Path) -> None:
    """The package says it is typed (PEP 561), also when installed from the wheel."""
    with zipfile.ZipFile(wheel) as zf:
        assert "tillgang/py.typed" in zf.namelist()

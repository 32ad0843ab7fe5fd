"""The rule catalogue: one TOML file per rule in ``rules/``, shipped in the wheel as ``tillgang/rules``.

The catalogue holds what a rule is (refs, severity, texts); the check code lives in ``tillgang.checks``
and is registered by rule id. ``validate`` states the catalogue's invariants; a test holds them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_RULE_SET",
    "FORMATS",
    "RULE_SETS",
    "Catalogue",
    "Rule",
    "load",
    "parse_rule_sets",
    "rules_dir",
    "validate",
]

FORMATS = ("docx", "pptx", "pdf", "html", "odt", "odp", "ods", "xlsx")
SEVERITIES = ("critical", "serious", "moderate", "minor")
# "manual": the rule only finds what a person must judge (its outcomes are cantTell or nothing), so its fixtures
# are pass and review, never fail.
AUTOMATION = ("automatic", "needs-review", "manual")
LANGS = ("sv", "en")
# The rule sets: "en301549" (EN 301 549 V3.2.1, WCAG 2.1 AA; what runs by default) and sets run on top of it on
# request (--rule-set wcag22,aaa): "wcag22" (the WCAG 2.2 additions), "aaa" (WCAG level AAA criteria, beyond
# the law), "review" (manual review: what only a person can judge, listed for them).
DEFAULT_RULE_SET = "en301549"
RULE_SETS = (DEFAULT_RULE_SET, "wcag22", "aaa", "review")


def parse_rule_sets(value: str) -> str:
    """The canonical form of a ``--rule-set`` value: the chosen sets, comma-separated, in ``RULE_SETS`` order,
    the default set left out unless nothing else is chosen ("aaa, wcag22" -> "wcag22,aaa"; "" -> "en301549").
    Raises ValueError naming an unknown set."""
    names = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in RULE_SETS]
    if unknown:
        raise ValueError(f"unknown rule set {unknown[0]!r} (choose from {', '.join(RULE_SETS)})")
    chosen = [name for name in RULE_SETS[1:] if name in names]
    return ",".join(chosen) or DEFAULT_RULE_SET


_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_WCAG = re.compile(r"^[1-4]\.[1-9]\d?\.[1-9]\d?$")
_EN = re.compile(r"^(9|10|11)(\.\d{1,2}){1,4}$")
_MATTERHORN = re.compile(r"^\d{2}-\d{3}$")
_VERAPDF = re.compile(r"^\d+(\.\d+)*-t\d{2}$")
_ACT = re.compile(r"^[0-9a-z]{6}$")


@dataclass(frozen=True)
class Rule:
    id: str
    version: int
    formats: tuple[str, ...]
    severity: str
    automation: str
    refs: dict[str, tuple[str, ...]]
    title: dict[str, str]
    description: dict[str, str]
    fix: dict[str, str]
    messages: dict[str, dict[str, str]]
    aliases: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)
    fix_by_format: dict[str, dict[str, str]] = field(default_factory=dict)
    path: str = ""
    # [terms.<param>.<value>] sv/en: a parameter value that a check passes as a code ("picture") is shown
    # in the reader's language ("bakgrunden är en bild").
    terms: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    # render = true: the rule needs a browser (computed styles, layout); run only with --render
    render: bool = False
    # rule_set = "wcag22": the rule runs only when --rule-set names wcag22 (RULE_SETS)
    rule_set: str = DEFAULT_RULE_SET
    # [data] <key> = [strings]: word lists a check reads (link-purpose-generic's generic link texts)
    data: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def in_set(self, rule_set: str) -> bool:
        """Whether the rule runs when ``rule_set`` (``parse_rule_sets``' form, "wcag22,aaa") is chosen: the
        default set always, a further set when it is named."""
        return self.rule_set == DEFAULT_RULE_SET or self.rule_set in rule_set.split(",")

    @property
    def wcag(self) -> tuple[str, ...]:
        return self.refs.get("wcag", ())

    def text(self, part: str, lang: str) -> str:
        value: dict[str, str] = getattr(self, part)
        return value.get(lang) or value.get("sv", "")

    def fix_for(self, fmt: str, lang: str) -> str:
        """The fix advice for one format (Word, PowerPoint, PDF tool, HTML), falling back to the general one."""
        specific = self.fix_by_format.get(fmt)
        if specific and (specific.get(lang) or specific.get("sv")):
            return specific.get(lang) or specific["sv"]
        return self.text("fix", lang)

    def message(self, key: str, lang: str, /, **params: Any) -> str:
        templates = self.messages.get(key)
        if templates is None:
            raise KeyError(f"rule {self.id} has no message {key!r}")
        template = templates.get(lang) or templates["sv"]
        for name, table in self.terms.items():
            value = params.get(name)
            if isinstance(value, str) and value in table:
                params[name] = table[value].get(lang) or table[value].get("sv", value)
        return template.format_map(_Params(params))

    def as_dict(self, lang: str = "sv") -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "formats": list(self.formats),
            "severity": self.severity,
            "automation": self.automation,
            "refs": {k: list(v) for k, v in self.refs.items()},
            "title": self.text("title", lang),
            "description": self.text("description", lang),
            "fix": self.text("fix", lang),
            "aliases": list(self.aliases),
            **({"render": True} if self.render else {}),
            **({"rule_set": self.rule_set} if self.rule_set != DEFAULT_RULE_SET else {}),
        }


class _Params(dict[str, Any]):
    """Missing template parameters render as an empty string rather than raising in a report."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Catalogue:
    rules: dict[str, Rule]
    version: str  # sha256 over the catalogue's files
    directory: str
    _by_format: dict[str, list[Rule]] = field(default_factory=dict, repr=False, compare=False)

    def __getitem__(self, rule_id: str) -> Rule:
        return self.rules[self.resolve(rule_id)]

    def __contains__(self, rule_id: object) -> bool:
        return isinstance(rule_id, str) and self.resolve(rule_id) in self.rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self.rules.values(), key=lambda r: r.id))

    def __len__(self) -> int:
        return len(self.rules)

    def resolve(self, rule_id: str) -> str:
        if rule_id in self.rules:
            return rule_id
        for rule in self.rules.values():
            if rule_id in rule.aliases:
                return rule.id
        return rule_id

    def for_format(self, fmt: str) -> list[Rule]:
        """The rules for one format, by id (worked out once per format: every document asks)."""
        cached = self._by_format.get(fmt)
        if cached is None:
            cached = self._by_format[fmt] = [r for r in self if fmt in r.formats]
        return list(cached)


def rules_dir() -> Path:
    """The catalogue folder: ``$TILLGANG_RULES_DIR``, the installed package data, or the source tree's."""
    env = os.environ.get("TILLGANG_RULES_DIR")
    if env:
        return Path(env)
    return _installed_rules_dir()


@lru_cache(maxsize=1)
def _installed_rules_dir() -> Path:  # looked up once: every checked document asks for the catalogue
    packaged = (
        Path(__file__).resolve().parent / "rules"
    )  # the wheel's package data (importlib.resources' path)
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / "rules"
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError("the rule catalogue (rules/) was not found next to the tillgang package")


def _texts(data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key, {})
    return {str(k): str(v).strip() for k, v in value.items()} if isinstance(value, dict) else {}


def _rule(path: Path, data: dict[str, Any]) -> Rule:
    refs = {str(k): tuple(str(x) for x in v) for k, v in data.get("refs", {}).items()}
    messages = {str(k): _texts(data.get("messages", {}), k) for k in data.get("messages", {})}
    fix_by_format = {
        fmt: _texts(data["fix"], fmt) for fmt in FORMATS if isinstance(data.get("fix", {}).get(fmt), dict)
    }
    fix = {k: str(v).strip() for k, v in data.get("fix", {}).items() if isinstance(v, str)}
    return Rule(
        id=str(data.get("id", "")),
        version=int(data.get("version", 0)),
        formats=tuple(data.get("formats", ())),
        severity=str(data.get("severity", "")),
        automation=str(data.get("automation", "")),
        refs=refs,
        title=_texts(data, "title"),
        description=_texts(data, "description"),
        fix=fix,
        messages=messages,
        aliases=tuple(data.get("aliases", ())),
        render=bool(data.get("render", False)),
        rule_set=str(data.get("rule_set", DEFAULT_RULE_SET)),
        notes=_texts(data, "notes"),
        fix_by_format=fix_by_format,
        path=str(path),
        terms={
            str(name): {str(value): _texts(table, value) for value in table}
            for name, table in data.get("terms", {}).items()
            if isinstance(table, dict)
        },
        data={
            str(key): tuple(str(item) for item in value)
            for key, value in data.get("data", {}).items()
            if isinstance(value, list)
        },
    )


@lru_cache(maxsize=4)
def _load(directory: str) -> Catalogue:
    digest = hashlib.sha256()
    sources: list[tuple[Path, bytes]] = []
    for path in sorted(Path(directory).glob("*.toml")):
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        sources.append((path, raw))
    version = digest.hexdigest()
    parsed = _cached(version)
    if parsed is None or set(parsed) != {path.name for path, _raw in sources}:
        import tomllib  # only here: a cached catalogue is read as JSON (below)

        parsed = {path.name: tomllib.loads(raw.decode("utf-8")) for path, raw in sources}
        _store(version, parsed)
    rules: dict[str, Rule] = {}
    for path, _raw in sources:
        rule = _rule(path, parsed[path.name])
        rules[rule.id or path.stem] = rule
    return Catalogue(rules=rules, version=version, directory=directory)


# Parsing the TOML files is most of a short command's start-up (tomllib is pure Python: ~50 ms for the
# catalogue, against ~2 ms to read the same data as JSON). The parsed data is kept as JSON in the user's cache
# folder under the SHA-256 of the TOML sources, so an edited or other catalogue never meets a stale copy; a
# folder that cannot be read or written only means parsing again.
CACHE_KEEP = 8  # catalogue versions kept in the cache folder


def _cache_dir() -> Path | None:
    if os.environ.get("TILLGANG_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache" if Path.home() != Path("/") else None)
    return Path(base) / "tillgang" if base else None


def _cached(version: str) -> dict[str, Any] | None:
    folder = _cache_dir()
    if folder is None:
        return None
    try:
        data = json.loads((folder / f"catalogue-{version}.json").read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _store(version: str, parsed: dict[str, Any]) -> None:
    folder = _cache_dir()
    if folder is None:
        return
    try:
        text = json.dumps(parsed, ensure_ascii=False, allow_nan=False)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".catalogue-{version}.{os.getpid()}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(
            tmp, folder / f"catalogue-{version}.json"
        )  # atomic: a concurrent reader sees all or nothing
        old = sorted(folder.glob("catalogue-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):  # TypeError: a TOML date, which JSON has no form for
        return


def load(directory: str | Path | None = None) -> Catalogue:
    return _load(str(directory or rules_dir()))


def validate(catalogue: Catalogue) -> list[str]:
    """Every problem with the catalogue's data, as readable lines. Empty means valid."""
    problems: list[str] = []
    seen_aliases: set[str] = set()
    for rule in catalogue:
        where = f"{Path(rule.path).name}:"
        if not _ID.match(rule.id):
            problems.append(f"{where} id {rule.id!r} is not kebab-case")
        if Path(rule.path).stem != rule.id:
            problems.append(f"{where} id {rule.id!r} differs from the file name")
        if rule.version < 1:
            problems.append(f"{where} version must be >= 1")
        if not rule.formats or any(f not in FORMATS for f in rule.formats):
            problems.append(f"{where} formats {rule.formats} must be a non-empty subset of {FORMATS}")
        if rule.severity not in SEVERITIES:
            problems.append(f"{where} severity {rule.severity!r} not in {SEVERITIES}")
        if rule.rule_set not in RULE_SETS:
            problems.append(f"{where} rule_set {rule.rule_set!r} not in {RULE_SETS}")
        if rule.automation not in AUTOMATION:
            problems.append(f"{where} automation {rule.automation!r} not in {AUTOMATION}")
        for key, pattern in (
            ("wcag", _WCAG),
            ("en301549", _EN),
            ("matterhorn", _MATTERHORN),
            ("verapdf", _VERAPDF),
            ("act", _ACT),
        ):
            for ref in rule.refs.get(key, ()):
                if not pattern.match(ref):
                    problems.append(f"{where} refs.{key} value {ref!r} is malformed")
        unknown = set(rule.refs) - {"wcag", "en301549", "matterhorn", "verapdf", "act", "best-practice"}
        if unknown:
            problems.append(f"{where} unknown refs {sorted(unknown)}")
        if not rule.refs.get("wcag") and not rule.refs.get("best-practice"):
            problems.append(f"{where} needs refs.wcag or refs.best-practice")
        if (
            "pdf" in rule.formats
            and rule.refs.get("wcag")
            and not (
                rule.refs.get("matterhorn") or rule.refs.get("verapdf") or rule.refs.get("best-practice")
            )
        ):
            problems.append(f"{where} a PDF rule needs refs.matterhorn or refs.verapdf")
        # a WCAG 2.2 rule has no clause in EN 301 549 V3.2.1 (it is based on WCAG 2.1)
        if rule.refs.get("wcag") and not rule.refs.get("en301549") and rule.rule_set == DEFAULT_RULE_SET:
            problems.append(f"{where} refs.en301549 missing")
        for part in ("title", "description", "fix"):
            for lang in LANGS:
                if not getattr(rule, part).get(lang):
                    problems.append(f"{where} {part}.{lang} is missing")
        if not rule.messages:
            problems.append(f"{where} has no [messages.*]")
        for name, table in rule.terms.items():
            for value, texts in table.items():
                if set(texts) != set(LANGS):
                    problems.append(f"{where} terms.{name}.{value} needs sv and en")
        for key, texts in rule.messages.items():
            for lang in LANGS:
                if not texts.get(lang):
                    problems.append(f"{where} messages.{key}.{lang} is missing")
            if set(re.findall(r"{(\w+)}", texts.get("sv", ""))) != set(
                re.findall(r"{(\w+)}", texts.get("en", ""))
            ):
                problems.append(f"{where} messages.{key}: sv and en use different parameters")
        for alias in rule.aliases:
            if alias in catalogue.rules or alias in seen_aliases:
                problems.append(f"{where} alias {alias!r} collides")
            seen_aliases.add(alias)
    return problems

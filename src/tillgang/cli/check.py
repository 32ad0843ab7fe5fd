"""``tillgang check``, ``tillgang rules`` and ``tillgang rule``: documents, folders and URLs; the rule catalogue."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..sniff import DOCUMENT_SUFFIXES
from .options import add_lang_argument, add_rule_set_argument

if TYPE_CHECKING:
    from ..report import DocumentEntry

__all__ = ["add_commands", "cmd_check", "cmd_rule", "cmd_rules", "expand_paths", "fetch_urls"]


def expand_paths(paths: Sequence[str]) -> list[tuple[str, str]]:
    """(path, source) pairs. Named files are checked whatever their name; folders are walked for documents."""
    items: list[tuple[str, str]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in DOCUMENT_SUFFIXES
                    and not child.name.startswith("~$")
                ):
                    items.append((str(child), str(child)))
        elif p.is_file():
            items.append((str(p), raw))
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return items


def _progress(total: int) -> Callable[[int, DocumentEntry], None] | None:
    if total < 2 or not sys.stderr.isatty():
        return None
    done = [0]

    def show(_: int, entry: DocumentEntry) -> None:
        done[0] += 1
        print(f"\r{done[0]}/{total} {entry['source'][-60:]:<60}", end="", file=sys.stderr, flush=True)
        if done[0] == total:
            print(file=sys.stderr)

    return show


def _is_url(raw: str) -> bool:
    return raw.lower().startswith(("http://", "https://"))


def fetch_urls(
    urls: Sequence[str], limits: Any, dest: Path, allow_private: bool, lang: str
) -> dict[str, tuple[str, str] | DocumentEntry]:
    """Fetch pages and documents named by URL: url -> (temporary path, source) or a failed report entry."""
    import asyncio

    from ..crawl.fetch import fetch_document
    from ..crawl.urls import url_problem, url_problem_message
    from ..engine import failed_entry
    from ..errors import DocumentError

    async def one(url: str) -> tuple[str, tuple[str, str] | DocumentEntry]:
        problem = url_problem(url)
        if problem:  # this URL's report says why; the others are still checked
            return url, failed_entry("", url, "fetch-failed", url_problem_message(problem, lang), lang)
        try:
            fetched = await fetch_document(url, dest, limits, allow_private=allow_private)
        except DocumentError as exc:
            return url, failed_entry("", url, exc.code, exc.detail, lang)
        return url, (str(fetched.path), url)

    async def all_of() -> list[tuple[str, tuple[str, str] | DocumentEntry]]:
        gate = asyncio.Semaphore(4)

        async def bounded(url: str) -> tuple[str, tuple[str, str] | DocumentEntry]:
            async with gate:
                return await one(url)

        return await asyncio.gather(*(bounded(u) for u in urls))

    return dict(asyncio.run(all_of()))


def cmd_check(args: argparse.Namespace) -> int:
    import tempfile

    from ..engine import CheckOptions, check_files, check_isolated
    from ..limits import DEFAULT_LIMITS

    overrides: dict[str, Any] = {"timeout_s": args.timeout}
    if args.max_size is not None:
        overrides["max_file_bytes"] = int(args.max_size * 1024 * 1024)
    limits = DEFAULT_LIMITS.with_overrides(**overrides)
    rules = frozenset(args.rules.split(",")) if args.rules else None
    if rules is not None:
        from ..catalogue import load

        unknown = sorted(r for r in rules if r not in load())
        if unknown:
            raise UsageError(f"unknown rule id(s): {', '.join(unknown)}")
        rules = frozenset(load().resolve(r) for r in rules)
    options = CheckOptions(lang=args.lang, limits=limits, rules=rules, rule_set=args.rule_set)
    if args.render:
        return _check_rendered(args, options)

    with tempfile.TemporaryDirectory(prefix="tillgang-") as tmp:
        urls = [raw for raw in args.paths if _is_url(raw)]
        fetched = fetch_urls(urls, limits, Path(tmp), args.allow_private, args.lang) if urls else {}
        # (path, source) to check, or a ready entry (a URL that could not be fetched), in the order given
        slots: list[tuple[str, str] | DocumentEntry] = []
        for raw in args.paths:
            if _is_url(raw):
                slots.append(fetched[raw])
            else:
                slots.extend(expand_paths([raw]))
        if not slots:
            raise UsageError(
                "Inga dokument hittades (.docx, .pptx, .xlsx, .odt, .odp, .ods, .pdf, .html)."
                if args.lang == "sv"
                else "No documents found (.docx, .pptx, .xlsx, .odt, .odp, .ods, .pdf, .html)."
            )
        items = [s for s in slots if isinstance(s, tuple)]
        if len(items) == 1:  # one document: a forked child with the pool's limits, without starting a pool
            checked = iter([check_isolated(*items[0], options=options)])
        else:
            checked = iter(check_files(items, options, jobs=args.jobs, on_result=_progress(len(items))))
        documents = [s if isinstance(s, dict) else next(checked) for s in slots]
    return _write_report(args, documents)


def _report_path(out: str | None, fmt: str) -> tuple[Path | None, Path | None]:
    """Where the report goes (None: standard output) and the folder of its screenshots (None: no screenshots).
    ``--out DIR`` (an existing folder) writes ``DIR/report.<format>``."""
    if not out:
        return None, None
    path = Path(out)
    if path.is_dir():
        return path / f"report.{ {'text': 'txt', 'sarif': 'sarif.json'}.get(fmt, fmt) }", path
    return path, path.parent


def _write_report(args: argparse.Namespace, documents: list[DocumentEntry]) -> int:
    from ..engine import exit_status, report
    from ..render import render

    result = report(documents, lang=args.lang, rule_set=args.rule_set)
    output = render(result, args.format, args.lang)
    target, _shots = _report_path(args.out, args.format)
    if target is not None:
        target.write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return 0 if args.exit_zero else exit_status(documents)


def _check_rendered(args: argparse.Namespace, options: Any) -> int:
    """``check --render``: web pages (HTML files and URLs) in the browser, other documents as usual."""
    from ..browser.pool import ensure_available, render_files
    from ..crawl.urls import url_problem, url_problem_message
    from ..engine import check_files, failed_entry
    from ..errors import DocumentError
    from ..sniff import sniff

    ensure_available(args.lang)
    slots: list[tuple[str, str, bool] | DocumentEntry] = []  # (target, source, rendered) or a ready entry
    for raw in args.paths:
        if _is_url(raw):
            problem = url_problem(raw)
            if problem:
                slots.append(
                    failed_entry("", raw, "fetch-failed", url_problem_message(problem, args.lang), args.lang)
                )
            else:
                slots.append((raw, raw, True))
            continue
        for path, source in expand_paths([raw]):
            try:
                is_html = sniff(Path(path), options.limits) == "html"
            except DocumentError:
                is_html = False
            slots.append((path, source, is_html))
    if not slots:
        raise UsageError("Inga dokument hittades." if args.lang == "sv" else "No documents found.")
    _target, shots = _report_path(args.out, args.format)
    pages = [(s[0], s[1]) for s in slots if isinstance(s, tuple) and s[2]]
    others = [(s[0], s[1]) for s in slots if isinstance(s, tuple) and not s[2]]
    jobs = args.jobs or 1
    rendered = iter(render_files(pages, options, jobs=jobs, allow_private=args.allow_private, shots=shots))
    checked = iter(check_files(others, options, jobs=args.jobs) if others else [])
    documents = [s if isinstance(s, dict) else next(rendered) if s[2] else next(checked) for s in slots]
    return _write_report(args, documents)


def cmd_rules(args: argparse.Namespace) -> int:
    from ..catalogue import load

    cat = load()
    rules = [r for r in cat if not args.for_format or args.for_format in r.formats]
    if args.format == "json":
        data = {"catalogue": cat.version, "rules": [r.as_dict(args.lang) for r in rules]}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    width = max(len(r.id) for r in rules) if rules else 10
    for r in rules:
        refs = " ".join(r.refs.get("wcag", ())) or "-"
        act = " ".join(r.refs.get("act", ()))
        line = (
            f"{r.id:<{width}}  {','.join(r.formats):<19}  {r.severity:<8}  {r.automation:<12}  "
            f"{r.rule_set:<8}  WCAG {refs}{'  ACT ' + act if act else ''}"
        )
        print(line)
        print(" " * (width + 2) + r.text("title", args.lang))
    print(f"\n{len(rules)} rules, catalogue {cat.version[:12]}")
    return 0


def cmd_rule(args: argparse.Namespace) -> int:
    from ..catalogue import load

    cat = load()
    if args.id not in cat:
        raise UsageError(f"unknown rule id: {args.id} (see 'tillgang rules')")
    rule = cat[args.id]
    if args.format == "json":
        data = rule.as_dict(args.lang)
        data["fix_by_format"] = {f: rule.fix_for(f, args.lang) for f in rule.formats}
        data["notes"] = rule.notes.get(args.lang, "")
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    sv = args.lang == "sv"
    labels = {
        "formats": "Format" if sv else "Formats",
        "severity": "Allvarlighet" if sv else "Severity",
        "automation": "Automatisering" if sv else "Automation",
        "refs": "Referenser" if sv else "References",
        "why": "Varför" if sv else "Why",
        "fix": "Så rättar du" if sv else "How to fix",
        "notes": "Att veta" if sv else "Notes",
        "version": "Version",
    }
    print(f"{rule.id}: {rule.text('title', args.lang)}\n")
    print(f"{labels['formats']}: {', '.join(rule.formats)}")
    if rule.rule_set != "en301549":
        print(f"{'Regeluppsättning' if sv else 'Rule set'}: {rule.rule_set} (--rule-set {rule.rule_set})")
    print(
        f"{labels['severity']}: {rule.severity}   {labels['automation']}: {rule.automation}   "
        f"{labels['version']}: {rule.version}"
    )
    refs = "; ".join(f"{k}: {', '.join(v)}" for k, v in rule.refs.items() if v)
    print(f"{labels['refs']}: {refs}\n")
    print(labels["why"] + ":")
    print(
        textwrap.fill(
            " ".join(rule.text("description", args.lang).split()),
            100,
            initial_indent="  ",
            subsequent_indent="  ",
        )
    )
    print("\n" + labels["fix"] + ":")
    for fmt in rule.formats:
        text = rule.fix_for(fmt, args.lang)
        print(
            textwrap.fill(
                f"[{fmt}] " + " ".join(text.split()), 100, initial_indent="  ", subsequent_indent="    "
            )
        )
    note = rule.notes.get(args.lang) or rule.notes.get("sv")
    if note:
        print("\n" + labels["notes"] + ":")
        print(textwrap.fill(" ".join(note.split()), 100, initial_indent="  ", subsequent_indent="  "))
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser("check", help="check documents and folders of documents")
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, folders (walked for documents) or http(s) URLs"
    )
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="allow URLs on private and loopback addresses (refused by default)",
    )
    p.add_argument("--format", choices=("text", "json", "sarif", "html"), default="text")
    p.add_argument(
        "--render",
        action="store_true",
        help="check web pages in a headless Chromium (computed styles, scripts, layout); needs the Debian package "
        "chromium and pip install 'tillgang[render]'",
    )
    add_lang_argument(p)
    add_rule_set_argument(p)
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per document before it is stopped")
    p.add_argument("--max-size", type=float, default=None, metavar="MB", help="largest file to check, in MB")
    p.add_argument("--rules", default=None, help="only these rule ids, comma-separated")
    p.add_argument("--out", default=None, help="write the report to this file instead of standard output")
    p.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit with status 0 even when rules failed or documents could not be checked (report only)",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("rules", help="list the rule catalogue")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--for",
        dest="for_format",
        choices=("docx", "pptx", "pdf", "html", "odt", "odp", "ods", "xlsx"),
        default=None,
    )
    add_lang_argument(p)
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("rule", help="explain one rule")
    p.add_argument("id")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_lang_argument(p)
    p.set_defaults(func=cmd_rule)

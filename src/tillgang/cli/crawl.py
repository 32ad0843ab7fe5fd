"""``tillgang crawl``: crawl a site, check what it finds, and optionally store the run in the register."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from .options import add_lang_argument, add_rule_set_argument

if TYPE_CHECKING:
    from ..crawl.checking import PoolFactory

__all__ = ["add_commands", "cmd_crawl"]


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "crawl",
        help="crawl a web site and check every page and linked document",
        description=(
            "Crawl a web site (robots.txt, sitemaps, politeness), check every page and linked document with the "
            "same engine as 'check', and store the run. Exit status: 0 nothing failed, 1 some rule failed or "
            "some link is broken, 2 usage error, 3 some URL could not be fetched or checked or the run was "
            "partial (and nothing failed), 4 the run could not be stored in the register (--store), "
            "130 interrupted."
        ),
    )
    p.add_argument("urls", nargs="*", metavar="URL", help="start URLs (default: start_urls in the config)")
    p.add_argument("--config", default=None, help="tillgang.toml with the crawl settings")
    p.add_argument("--max-pages", type=int, default=None, metavar="N")
    p.add_argument("--max-documents", type=int, default=None, metavar="N")
    p.add_argument("--max-depth", type=int, default=None, metavar="D")
    p.add_argument("--concurrency", type=int, default=None, metavar="C", help="requests in flight overall")
    p.add_argument("--per-host", type=int, default=None, metavar="C", help="requests in flight per host")
    p.add_argument(
        "--delay", type=float, default=None, metavar="S", help="seconds between requests to a host"
    )
    p.add_argument("--allow-host", action="append", default=None, metavar="HOST", help="an allowed host")
    p.add_argument(
        "--no-robots", action="store_true", help="do not obey robots.txt (only for your own sites)"
    )
    p.add_argument("--no-sitemaps", action="store_true", help="do not use sitemaps as seeds")
    p.add_argument(
        "--render",
        choices=("all", "sample"),
        default=None,
        help="check pages in a headless Chromium: every page (all) or one page per template (sample); needs "
        "the Debian package chromium and pip install 'tillgang[render]'",
    )
    add_rule_set_argument(p)
    p.add_argument("--jobs", type=int, default=None, help="checking worker processes (default: cores)")
    p.add_argument("--max-duration", type=float, default=None, metavar="S", help="wall-clock cap in seconds")
    p.add_argument(
        "--out",
        default=None,
        help="write the run (JSON) to this file or DIR/run.json; '-' for standard output. "
        "With --render, screenshots of elements to review go to screenshots/ next to it",
    )
    p.add_argument("--state", default=None, metavar="FILE", help="the state file (SQLite)")
    p.add_argument("--resume", action="store_true", help="continue the last interrupted run of this site")
    p.add_argument("--quiet", action="store_true", help="no progress and no summary")
    p.add_argument(
        "--store",
        action="store_true",
        help="write the run into the register (also when partial or interrupted); config: [register] store",
    )
    p.add_argument(
        "--activity",
        default=None,
        metavar="ID",
        help="the control activity that gets a draft evidence record (id or text of its 'kontrollmoment'); "
        "implies --store; config: [register] activity",
    )
    add_lang_argument(p)
    p.set_defaults(func=cmd_crawl)


def _config(args: argparse.Namespace) -> Any:
    from ..crawl.config import ConfigError, load_config

    try:
        config = load_config(args.config)
        overrides: dict[str, Any] = {
            "max_pages": args.max_pages,
            "max_documents": args.max_documents,
            "max_depth": args.max_depth,
            "concurrency": args.concurrency,
            "per_host_concurrency": args.per_host,
            "delay": args.delay,
            "allowed_hosts": args.allow_host,
            "state_file": args.state,
            "check_jobs": args.jobs,
            "max_duration_s": args.max_duration,
            "lang": args.lang,
            "rule_set": args.rule_set,
        }
        if args.urls:
            overrides["start_urls"] = args.urls
        if args.no_robots:
            overrides["obey_robots"] = False
        if args.no_sitemaps:
            overrides["use_sitemaps"] = False
        config = config.with_overrides(**overrides)
        config.validate()
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    return config


def _register_target(args: argparse.Namespace) -> tuple[bool, str | None]:
    """Whether to store the run, and the control activity; checked before crawling so that a wrong setting
    fails at once, not after a night's crawl."""
    from ..crawl.config import ConfigError, load_register_options

    try:
        options = load_register_options(args.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    activity = getattr(args, "activity", None) or options.activity
    store = bool(getattr(args, "store", False) or options.store or getattr(args, "activity", None))
    if not store:
        return False, None
    from tillgang.web import setup

    setup(None)
    from django.db import connection

    from tillgang.register.store import ActivityError, resolve_activity

    from .db import require_migrated

    require_migrated()
    try:
        found = resolve_activity(activity, on_risk=True)
    except ActivityError as exc:
        raise UsageError(str(exc)) from exc
    if not connection.in_atomic_block:
        connection.close()  # a night's crawl outlives a server's idle timeout; Django reconnects
    return True, str(found.pk) if found is not None else None


def _store(
    output: dict[str, Any], activity: str | None, quiet: bool, stream: Any, folder: Path | None = None
) -> bool:
    """Write the run into the register (with the screenshots in ``folder``, the run's output folder); False
    (with a message on stderr) when that failed."""
    from .evidence import describe, store_output

    try:
        run, evidence = store_output(output, activity, folder)
    except Exception as exc:  # the run is in the state file and --out; say so and fail visibly
        print(f"Körningen kunde inte sparas i registret: {exc}", file=sys.stderr)
        return False
    if not quiet:
        stream.write(describe(run, evidence) + "\n")
    return True


def _pool_factory() -> PoolFactory | None:
    """Where the crawl's checks run: Celery workers when a broker is configured (TILLGANG_BROKER_URL), else
    None, the crawl's own worker processes on this machine."""
    from ..distributed import broker_url

    broker = broker_url()
    if not broker:
        return None
    from ..distributed.pool import crawl_pool_factory

    return crawl_pool_factory(broker)


def _out_path(out: str | None) -> Path | None:
    """The run.json file of ``--out`` (``--out DIR``, an existing folder: ``DIR/run.json``); None for standard
    output or none. Screenshots of a rendered crawl go next to it, under ``screenshots/``."""
    if not out or out == "-":
        return None
    path = Path(out)
    return path / "run.json" if path.is_dir() else path


def cmd_crawl(args: argparse.Namespace) -> int:
    from ..crawl.progress import summary_text
    from ..crawl.run import Crawl, exit_status

    config = _config(args)
    store, activity = _register_target(args)
    render = args.render or "off"
    if render != "off":
        from ..browser.pool import ensure_available

        ensure_available(args.lang)  # before the crawl starts: no browser is a clear message, status 2
    out = _out_path(args.out)
    crawler = Crawl(
        config,
        resume=args.resume,
        progress=not args.quiet,
        pool_factory=_pool_factory(),
        render=render,
        shots=out.parent if out is not None else None,
    )

    async def main() -> dict[str, Any]:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        if task is not None:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signal.SIGTERM, task.cancel)
        return await crawler.run()

    interrupted = False
    try:
        output = asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        interrupted = True
        saved: dict[str, Any] | None = getattr(crawler, "output", None)
        if saved is None:
            raise KeyboardInterrupt from None
        output = saved
    text = json.dumps(output, ensure_ascii=False, indent=1) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    elif out is not None:
        out.write_text(text, encoding="utf-8")
    if args.resume and not crawler.resumed:
        note = (
            "Ingen avbruten körning att fortsätta: en ny körning gjordes."
            if args.lang == "sv"
            else "No unfinished run to resume: a new run was made."
        )
        print(note, file=sys.stderr)
    stream = sys.stderr if args.out == "-" else sys.stdout
    if not args.quiet:
        stream.write(summary_text(output, args.lang))
        if interrupted:
            note = (
                "Avbruten: fortsätt med --resume."
                if args.lang == "sv"
                else "Interrupted: continue with --resume."
            )
            stream.write(note + "\n")
    if store and not _store(output, activity, args.quiet, stream, out.parent if out is not None else None):
        return 4
    return 130 if interrupted else exit_status(output)

"""Bounded decoding of HTTP response bodies (``Content-Encoding``), for every body tillgang reads.

httpx decodes a body one network chunk at a time, but each chunk in full: a 1.8 KB answer with
``Content-Encoding: gzip, gzip`` decodes to 1 GiB in one call, before any size limit is looked at. Here the
raw bytes are decoded by hand, every layer with a bounded output per call (``PIECE`` bytes), and the output of
every layer (and the raw input) is counted against the limit: decoding stops as soon as one of them passes
it, so memory stays at a few pieces whatever the server sends. The caller counts the final output itself
(it may keep only a prefix, as for robots.txt).

Codings: ``gzip``/``x-gzip`` (several members too), ``deflate`` (zlib-wrapped or raw, as browsers accept),
``br`` when the installed ``brotli`` can bound its output, ``identity``. Anything else, or more than
``MAX_LAYERS`` codings, is refused (``UnsupportedEncoding``): an undecodable body is never passed on as if
it were the page.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

__all__ = [
    "ACCEPT_ENCODING",
    "BodyDecoder",
    "BodyTooLarge",
    "UnsupportedEncoding",
    "parse_codings",
]

PIECE = 64 * 1024  # the most any layer outputs per step
MAX_LAYERS = 3


class BodyTooLarge(Exception):
    """A layer of the body (raw or decoded) passed the limit."""


class UnsupportedEncoding(Exception):
    """A ``Content-Encoding`` tillgang cannot decode within bounds (or too many of them)."""


def _bounded_brotli() -> Any:
    """``brotli.Decompressor`` when it can bound its output per call (Brotli ≥ 1.2), else None."""
    try:
        import brotli  # type: ignore[import-not-found,unused-ignore]

        probe = brotli.Decompressor()
        probe.process(b"", output_buffer_limit=1)
        probe.can_accept_more_data()
    except Exception:  # not installed, brotlicffi, or an older brotli without output_buffer_limit
        return None
    return brotli


_BROTLI = _bounded_brotli()
ACCEPT_ENCODING = "gzip, deflate" + (", br" if _BROTLI is not None else "")


def parse_codings(header: str | None) -> list[str]:
    """The codings of a ``Content-Encoding`` header in the order they were applied (``identity`` dropped)."""
    codings = [c.strip().lower() for c in (header or "").split(",")]
    return [c for c in codings if c and c != "identity"]


class _Zlib:
    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.gzip = coding in ("gzip", "x-gzip")
        self.d = self._new(zlib.MAX_WBITS | 16 if self.gzip else zlib.MAX_WBITS)
        self.started = False  # deflate: raw deflate is tried when the zlib header is wrong
        self.done = False

    @staticmethod
    def _new(wbits: int) -> Any:
        return zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self.started and not self.gzip and data:
            self.started = True
            probe = self._new(zlib.MAX_WBITS)
            try:
                probe.decompress(data[:2], 0)
            except zlib.error:
                self.d = self._new(-zlib.MAX_WBITS)
        yield from self._run(data)

    def _run(self, data: bytes) -> Iterator[bytes]:
        try:
            while True:
                if self.done:
                    if not (self.gzip and data.startswith(b"\x1f\x8b")):
                        return  # bytes after the end of the stream: ignored, as browsers do
                    self.d = self._new(zlib.MAX_WBITS | 16)  # another gzip member
                    self.done = False
                out = self.d.decompress(data, PIECE)
                data = self.d.unconsumed_tail
                if self.d.eof:
                    self.done = True
                    data = self.d.unused_data + data
                if out:
                    yield out
                if not data and not self.done and len(out) < PIECE:
                    return  # all input taken and no output pending
        except zlib.error as exc:
            raise UnsupportedEncoding(f"the {self.coding} data is damaged ({exc})") from exc

    def finish(self) -> Iterator[bytes]:
        if not self.done:
            yield from self._run(b"")


class _Brotli:
    def __init__(self) -> None:
        self.d = _BROTLI.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self.d.process(data, output_buffer_limit=PIECE)
            while True:
                if out:
                    yield out
                if self.d.can_accept_more_data():
                    return
                out = self.d.process(b"", output_buffer_limit=PIECE)
        except _BROTLI.error as exc:
            raise UnsupportedEncoding(f"the br data is damaged ({exc})") from exc

    def finish(self) -> Iterator[bytes]:
        return iter(())


def _layer(coding: str) -> Any:
    if coding in ("gzip", "x-gzip", "deflate"):
        return _Zlib(coding)
    if coding == "br" and _BROTLI is not None:
        return _Brotli()
    raise UnsupportedEncoding(f"Content-Encoding {coding!r} is not supported")


class BodyDecoder:
    """Decodes a body given as raw pieces. ``limit``: the most bytes any layer (the raw body included) may
    have; more raises ``BodyTooLarge``. The final output comes in pieces of at most ``PIECE`` bytes."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        codings = parse_codings(content_encoding)
        if len(codings) > MAX_LAYERS:
            raise UnsupportedEncoding(f"{len(codings)} content codings, at most {MAX_LAYERS} are decoded")
        self.layers = [_layer(c) for c in reversed(codings)]  # the last coding applied is undone first
        self.limit = limit
        self.counts = [0] * (len(self.layers) + 1)  # bytes into each layer, then the final output

    def _count(self, index: int, size: int) -> None:
        self.counts[index] += size
        if self.counts[index] > self.limit:
            what = "raw body" if index == 0 else f"decoded body (layer {index})"
            raise BodyTooLarge(f"the {what} is more than {self.limit} bytes, the limit")

    def _push(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self.layers):
            self.counts[index] += len(data)  # counted by the caller, who may keep only a prefix
            yield data
            return
        self._count(index, len(data))
        layer = self.layers[index]
        for piece in layer.feed(data):
            yield from self._push(index + 1, piece)

    def feed(self, raw: bytes) -> Iterator[bytes]:
        if raw:
            yield from self._push(0, raw)

    def finish(self) -> Iterator[bytes]:
        """The rest, once the raw body has ended (each layer flushed in order)."""
        for index, layer in enumerate(self.layers):
            for piece in layer.finish():
                yield from self._push(index + 1, piece)

"""Limits every document is checked under (README.md, "Checking documents"). All configurable, all enforced by readers or the pool."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

__all__ = ["DEFAULT_LIMITS", "Limits"]

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * MiB  # the file itself
    max_part_bytes: int = 128 * MiB  # one decompressed OOXML part
    max_package_bytes: int = 512 * MiB  # all decompressed OOXML parts read
    max_zip_entries: int = 20_000
    max_compression_ratio: int = 1_000  # per part, only applied to parts above 1 MiB decompressed
    max_pdf_objects: int = 5_000_000  # the trailer's /Size
    max_struct_elements: int = 1_000_000
    max_struct_depth: int = 1_000
    max_content_ops: int = 5_000_000  # content-stream operators parsed per document
    max_html_bytes: int = 20 * MiB
    timeout_s: float = 60.0  # wall time per document, enforced by killing the worker
    memory_bytes: int = 2048 * MiB  # address-space limit of a worker process (0 = none)

    def with_overrides(self, **overrides: Any) -> Limits:
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in overrides.items() if k in known and v is not None})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_LIMITS = Limits()

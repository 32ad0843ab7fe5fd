"""Timestamps as the reports, manifests and the API write them (ISO 8601)."""

from __future__ import annotations

import datetime as dt

__all__ = ["iso", "iso_z", "iso_z_from_epoch"]


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """``value.isoformat()``, or None."""
    return value.isoformat() if value is not None else None


def iso_z(value: dt.datetime | None) -> str | None:
    """ISO 8601 with a UTC offset written as ``Z``, or None."""
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def iso_z_from_epoch(ts: float | None) -> str | None:
    """A POSIX timestamp as UTC ISO 8601 to the second with ``Z``, or None."""
    if ts is None:
        return None
    return iso_z(dt.datetime.fromtimestamp(ts, dt.UTC).replace(microsecond=0))

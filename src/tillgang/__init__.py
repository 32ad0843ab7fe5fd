"""tillgang: accessibility checks for Word, PowerPoint, PDF and HTML, a crawler, and the IKP register."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]

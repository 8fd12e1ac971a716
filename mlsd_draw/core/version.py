"""The version of mlsd-draw: read by the packaging (pyproject's dynamic version), shown by
`--version` and recorded with each review. Kept as plain text here so reading it costs no
package metadata lookup at start-up."""

from __future__ import annotations

__all__ = ["VERSION"]

VERSION = "0.1.0"

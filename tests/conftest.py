"""Shared test setup: tests marked `system_graphviz` need the `dot` program on PATH."""

from __future__ import annotations

import os
import shutil

import pytest


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip `system_graphviz` tests without `dot`; fail them instead when CI demands it.

    CI sets MLSD_DRAW_REQUIRE_DOT=1 so that PNG/PDF tests can never be skipped silently.
    """
    if item.get_closest_marker("system_graphviz") is None or shutil.which("dot") is not None:
        return
    if os.environ.get("MLSD_DRAW_REQUIRE_DOT") == "1":
        pytest.fail(
            "MLSD_DRAW_REQUIRE_DOT=1 but the system Graphviz `dot` is not on PATH", pytrace=False
        )
    pytest.skip("needs the system Graphviz (`dot` on PATH)")

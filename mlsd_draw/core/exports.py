"""Lazy package exports: a room's public names, imported on first use.

Each package lists its public names with the module that defines them. Importing the
package imports none of those modules, so `mlsd-draw --help` and `check` do not pay for
the grader's numpy or the renderer's Graphviz; the first use of a name imports its
module once and caches the value in the package.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, namespace: dict[str, Any], where: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module-level `__getattr__` and `__dir__` of `package`, whose public name N
    lives in its submodule `where[N]` (relative to the package)."""

    def module_getattr(name: str) -> object:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{where[name]}", package), name)
        namespace[name] = value
        return value

    def module_dir() -> list[str]:
        return sorted({*namespace, *where})

    return module_getattr, module_dir

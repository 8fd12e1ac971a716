"""The package's shape: rooms by concept, data flowing one way, modules a person can read."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

PACKAGE = Path(__file__).resolve().parent.parent / "mlsd_draw"

LAYERS = (
    "core",
    "language",
    "formats",
    "library",
    "grading",
    "drawing",
    "practice",
    "app",
    "web",
    "cli",
)
"""Each room may import from itself and the rooms before it, never from a later one."""

FRONT_ENDS = {"cli": {"core", "app", "cli", "web"}, "web": {"core", "app", "web"}}
"""A front end only translates: it talks to the application layer (and the errors). The
CLI may reach the web studio only to start it (`mlsd-draw studio`), inside a function."""

MAX_LINES = 500


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _room(module: Path) -> str | None:
    parts = module.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _imported_rooms(module: Path) -> set[str]:
    """The rooms a module imports from, lazy imports inside functions included."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    package_parts = module.relative_to(PACKAGE).parent.parts
    rooms: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package_parts[: len(package_parts) - (node.level - 1)])
                target = base + (node.module.split(".") if node.module else [])
                names = [alias.name for alias in node.names]
                room = target[0] if target else names[0]
            elif node.module and node.module.startswith("mlsd_draw."):
                room = node.module.split(".")[1]
            else:
                continue
            rooms.add(room)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mlsd_draw."):
                    rooms.add(alias.name.split(".")[1])
    return rooms


def test_the_top_level_holds_only_rooms() -> None:
    loose = sorted(
        p.name
        for p in PACKAGE.iterdir()
        if p.suffix == ".py" and p.name not in ("__init__.py", "__main__.py")
    )
    assert loose == []
    rooms = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert rooms == sorted(LAYERS)


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_too_long_to_read(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.name} has {lines} lines: split it by concept"


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_data_flows_one_way(module: Path) -> None:
    room = _room(module)
    if room is None:  # the package's own __init__ and __main__ may reach any room
        return
    rank = LAYERS.index(room)
    later = sorted(r for r in _imported_rooms(module) if r in LAYERS and LAYERS.index(r) > rank)
    assert later == [], f"{room} must not import from the later rooms {later}"
    if room in FRONT_ENDS:
        beyond = sorted(_imported_rooms(module) - FRONT_ENDS[room])
        assert beyond == [], f"the front end {room} imports from {beyond}: go through app"


def _top_level_rooms(module: Path) -> set[str]:
    """The rooms a module imports from at import time (not inside a function)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    nested: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested.update(id(inner) for inner in ast.walk(node))
    rooms: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and id(node) not in nested and node.module:
            parts = node.module.split(".")
            rooms.add(parts[1] if parts[0] == "mlsd_draw" and len(parts) > 1 else parts[0])
    return rooms


@pytest.mark.parametrize("module", sorted((PACKAGE / "cli").glob("*.py")), ids=lambda p: p.name)
def test_the_cli_starts_the_studio_only_when_asked(module: Path) -> None:
    assert "web" not in _top_level_rooms(module), "import the web studio inside the command"


def test_every_room_is_packaged_and_declares_its_api() -> None:
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    packaged = set(pyproject["tool"]["setuptools"]["packages"])
    for room in LAYERS:
        assert f"mlsd_draw.{room}" in packaged, f"mlsd_draw.{room} is not in pyproject.toml"
        module = importlib.import_module(f"mlsd_draw.{room}")
        exported = module.__all__
        assert exported, f"mlsd_draw.{room} has an empty __all__"
        for name in exported:
            assert getattr(module, name) is not None


def test_the_public_api_still_imports_from_the_top() -> None:
    import mlsd_draw

    for name in mlsd_draw.__all__:
        assert getattr(mlsd_draw, name) is not None
    diagram = mlsd_draw.parse("A -> B\n")
    assert mlsd_draw.format_diagram(diagram) == "A -> B\n"

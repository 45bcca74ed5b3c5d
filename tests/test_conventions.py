"""Rules of the code that no linter holds: no module borrows another's private names, and no view
commits (one commit per request, in core/web.py)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "eventsapp"


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(ROOT), ast.parse(path.read_text())


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_imports_a_private_name_of_another():
    """What several modules share is public, in the module where it belongs."""
    borrowed = [
        f"{path}: {alias.name} from {'.' * node.level}{node.module or ''}"
        for path, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.level or (node.module or "").startswith("eventsapp"))
        for alias in node.names
        if private(alias.name)
    ]
    assert borrowed == []


def test_views_never_commit():
    """A view's writes are committed with its answer (``commit_or_roll_back``), or not at all."""
    commits = [
        f"{path}:{node.lineno}"
        for path, tree in modules()
        if path.stem == "views" or path.stem.endswith("_views")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]
    assert commits == []

"""The import contract of ``pyproject.toml`` (import-linter) holds, and catches what breaks it."""

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ_REQUEST = {"request", "session", "g"}
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_project(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "eventsapp", tmp_path / "eventsapp", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_contract_holds():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def contract(name_start: str) -> dict:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in contracts["contracts"] if c["name"].startswith(name_start))


def test_every_folder_holding_python_is_a_package_placed_in_the_layers():
    """A folder without ``__init__.py`` is not read by import-linter at all (``plans`` was not):
    each is a package, and each of eventsapp's own packages and modules has its layer, none of
    them optional."""
    folders = {p.parent for p in (ROOT / "eventsapp").rglob("*.py")} - {ROOT / "eventsapp"}
    assert [str(f) for f in folders if not (f / "__init__.py").exists()] == []
    layers = contract("Capabilities in layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    assert not [name for name in placed if not re.fullmatch(r"[a-z_]+", name)]  # no "(maybe)"
    top = {p.stem for p in (ROOT / "eventsapp").glob("*.py") if p.stem != "__init__"}
    top |= {p.parent.name for p in (ROOT / "eventsapp").glob("*/__init__.py")}
    assert top == placed


def test_a_lower_layer_importing_a_higher_one_breaks_it(tmp_path):
    project = copy_of_the_project(tmp_path)
    models = project / "eventsapp" / "people" / "models.py"
    models.write_text(models.read_text() + "\nfrom ..registration import models as _higher\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "eventsapp.people.models -> eventsapp.registration.models" in result.stdout


def test_a_module_beside_the_services_importing_a_form_breaks_it(tmp_path):
    """Not only services and models: every module but forms and views (here ``seats``)."""
    project = copy_of_the_project(tmp_path)
    seats = project / "eventsapp" / "registration" / "seats.py"
    seats.write_text(seats.read_text() + "\nfrom .forms import RegistrationForm as _form\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "eventsapp.registration.seats -> eventsapp.registration.forms" in result.stdout


def test_a_new_package_must_be_placed_in_the_contract(tmp_path):
    project = copy_of_the_project(tmp_path)
    (project / "eventsapp" / "newcapability").mkdir()
    (project / "eventsapp" / "newcapability" / "__init__.py").write_text("")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "eventsapp.newcapability" in result.stdout


def test_services_and_models_never_read_the_request():
    """Services are plain functions over models: what a request says reaches them as arguments."""
    offenders = []
    for path in ROOT.glob("eventsapp/**/*.py"):
        if path.stem not in ("services", "models") and path.parent.name != "core":
            continue
        if path.name in ("web.py", "guards.py"):  # core's helpers for views, its request hooks
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = {alias.name for alias in getattr(node, "names", [])}
            if isinstance(node, ast.ImportFrom) and node.module == "flask" and names & READ_REQUEST:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []

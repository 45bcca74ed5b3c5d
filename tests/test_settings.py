"""Every setting the code reads is declared: in ``config.load_settings()`` (with its default and
its environment variable), or by Flask or an extension; and the README names exactly the
environment variables that ``config.py`` reads."""

import ast
import re
from pathlib import Path

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from eventsapp.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
SETTING = r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+"  # an environment variable's or setting's name


def is_config(node: ast.AST) -> bool:
    """``app.config``, ``current_app.config``, ``self.config``, or a ``config`` taken from one."""
    return (isinstance(node, ast.Attribute) and node.attr == "config") or (
        isinstance(node, ast.Name) and node.id == "config"
    )


def config_key(node: ast.AST) -> ast.AST | None:
    """The key of ``config[...]`` or ``config.get(...)``, if the node reads a setting."""
    if isinstance(node, ast.Subscript) and is_config(node.value):
        return node.slice
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and is_config(node.func.value)
        and node.args
    ):
        return node.args[0]
    return None


def settings_read() -> dict[str, list[str]]:
    """Each setting read by the package and the templates, with where."""
    read: dict[str, list[str]] = {}
    for path in sorted((ROOT / "eventsapp").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            key = config_key(node)
            if key is not None:
                name = key.value if isinstance(key, ast.Constant) else f"<{ast.unparse(key)}>"
                read.setdefault(name, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in sorted((ROOT / "templates").rglob("*.*")):
        for match in re.finditer(rf"\bconfig(?:\.|\[['\"])({SETTING}|[A-Z]+)", path.read_text()):
            read.setdefault(match.group(1), []).append(str(path.relative_to(ROOT)))
    return read


def extensions_own() -> set[str]:
    """The settings Flask's extensions declare, as their ``init_app`` sets their defaults."""
    bare = Flask("bare")
    bare.config.update(SQLALCHEMY_DATABASE_URI="sqlite://", RATELIMIT_STORAGE_URI="memory://")
    for extension in (
        SQLAlchemy(),
        CSRFProtect(),
        Babel(),
        LoginManager(),
        Limiter(get_remote_address),
    ):
        extension.init_app(bare)
    return set(bare.config) - set(Flask.default_config)


def environment_read(path: Path) -> set[str]:
    """The environment variables a module reads (``os.environ.get``, ``os.environ[...]``, or
    ``env(...)`` where ``env = os.environ.get``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = ast.unparse(node.func)
            if function in ("env", "os.environ.get", "os.getenv", "environ.get"):
                names.add(node.args[0].value)
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(ast.literal_eval(node.slice))
    return names


def readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index(f"\n## {title}\n")
    end = readme.find("\n## ", start + 1)
    return readme[start:end]


def named(text: str) -> set[str]:
    """The variables named in backquotes: `NAME`, or `NAME=value`."""
    return set(re.findall(rf"`({SETTING})(?:=[^`]*)?`", text))


def test_every_setting_read_is_declared():
    declared = set(load_settings()) | set(Flask.default_config) | extensions_own()
    undeclared = {name: where for name, where in settings_read().items() if name not in declared}
    assert undeclared == {}


def test_no_setting_is_read_with_a_default_of_its_own():
    """A default belongs in config.py, where the README's reader finds it."""
    defaults = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "eventsapp").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if config_key(node) is not None and isinstance(node, ast.Call) and len(node.args) > 1
    ]
    assert defaults == []


def test_the_scan_finds_the_settings_read():
    """So that the test above cannot pass by finding nothing: reads in every form it knows."""
    read = settings_read()
    assert "eventsapp/core/uploads.py" in " ".join(read["UPLOADS_FOLDER"])  # current_app.config[]
    assert "eventsapp/ops/deploy.py" in " ".join(read["TRUSTED_HOSTS"])  # config.get()
    assert "eventsapp/mail/sender.py" in " ".join(read["MAIL_FOLDER"])  # self.config[]
    assert "templates/base.html" in read["SITE_NAME"]


def test_config_py_reads_from_the_environment_every_setting_of_the_readme_and_only_those():
    read_by_config = environment_read(ROOT / "eventsapp" / "config.py")
    read_by_the_server = environment_read(ROOT / "gunicorn.conf.py")
    settings = named(readme_section("Settings"))
    assert read_by_config - settings == set(), "read by config.py, not in the README's Settings"
    assert settings - read_by_config == set(), "in the README's Settings, never read"
    anywhere = named((ROOT / "README.md").read_text())
    assert anywhere - read_by_config - read_by_the_server == set(), "named but never read"


def test_each_variable_of_config_py_changes_its_setting(monkeypatch):
    """The README's variables reach the settings: each given a value, some setting changes."""
    defaults = load_settings()
    for name in environment_read(ROOT / "eventsapp" / "config.py"):
        default = defaults.get(name)
        value = "7" if isinstance(default, int) and not isinstance(default, bool) else "1"
        if name == "DATABASE_URL":
            value = "postgresql://someone@db.example.org/events"
        monkeypatch.setenv(name, value)
        assert load_settings() != defaults, name
        monkeypatch.delenv(name)

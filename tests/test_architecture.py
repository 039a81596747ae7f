"""Imports point down only: findings -> surveys -> organizations -> engagement, and no module
imports another module's views (a helper two views need lives below both)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["engagement", "organizations", "surveys", "findings"]


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            yield module
            for alias in node.names:
                yield f"{module}.{alias.name}"


def app_modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield app, path


@pytest.mark.parametrize("app, path", list(app_modules()), ids=lambda v: str(v))
def test_imports_point_down_only(app, path):
    relative = path.relative_to(ROOT).as_posix()
    if relative == "engagement/urls.py":
        return  # the root URLconf includes every app's URLs
    upward = [
        module
        for module in imported_modules(path)
        if module.split(".")[0] in LAYERS and LAYERS.index(module.split(".")[0]) > LAYERS.index(app)
    ]
    assert upward == [], relative


@pytest.mark.parametrize("app, path", list(app_modules()), ids=lambda v: str(v))
def test_only_url_modules_import_views(app, path):
    relative = path.relative_to(ROOT).as_posix()
    if path.name == "urls.py" or path.name.endswith("_urls.py"):
        return
    views = [
        module
        for module in imported_modules(path)
        if module.split(".")[0] in LAYERS
        and (module.endswith(".views") or ".views." in module)
        and not module.startswith("django.")
    ]
    assert views == [], relative


def test_the_rules_catch_an_upward_import(tmp_path):
    """The checker itself: an upward import and a views import are found."""
    module = ROOT / "organizations" / "_probe_for_test.py"
    module.write_text("from surveys.views import Flow\nfrom .views import keepalive\n")
    try:
        found = list(imported_modules(module))
    finally:
        module.unlink()
    assert "surveys.views.Flow" in found
    assert "organizations.views.keepalive" in found

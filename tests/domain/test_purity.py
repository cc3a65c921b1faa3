"""The rules stay pure: no web framework, ORM or validation library, no store or services."""

from __future__ import annotations

import ast
from pathlib import Path

import domain.rules

FORBIDDEN = {"fastapi", "starlette", "sqlalchemy", "sqlmodel", "pydantic"}
FORBIDDEN_DOMAIN = {"domain.store", "domain.services"}
RULES_DIR = Path(domain.rules.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_rules_directory_holds_modules_to_check() -> None:
    assert len(list(RULES_DIR.glob("*.py"))) >= 9


def test_no_rules_module_imports_a_framework_or_the_orm() -> None:
    offenders = {
        f"{path.name}: {name}"
        for path in RULES_DIR.glob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert not offenders


def test_no_rules_module_imports_the_store_or_the_services() -> None:
    offenders = {
        f"{path.name}: {name}"
        for path in RULES_DIR.glob("*.py")
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_DOMAIN)
    }
    assert not offenders

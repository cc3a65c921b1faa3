"""The web app reads and writes only through the JSON API: no module under web/ imports the store or
the services of the domain (parsed with ast, so a string or a comment does not count)."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
FORBIDDEN = ("domain.store", "domain.services")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)  # from domain import store
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_no_module_under_web_imports_the_domain_store_or_services() -> None:
    modules = sorted(WEB.rglob("*.py"))
    assert len(modules) > 5, "the web package was found"
    offenders = {str(p.relative_to(WEB.parent)): n for p in modules for n in _imports(p) if _forbidden(n)}
    assert offenders == {}


def test_the_check_catches_every_way_of_importing_them(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import domain.store.tables\nfrom domain.services import visits\nfrom domain import store\n"
        "from domain.rules import cpr\n# import domain.store\n"
    )
    found = {n for n in _imports(sample) if _forbidden(n)}
    assert found == {"domain.store.tables", "domain.services", "domain.services.visits", "domain.store"}

"""Find imports that break a package's independence (e.g. a sandbox importing its client).

A sandbox is a second implementation of a vendor's API; if it imported the client's parser or
serialiser, one could no longer catch the other's mistakes. ``forbidden_imports`` reads every
``.py`` under a package with ``ast`` (imports at module level and inside functions, plus
``importlib.import_module("...")`` / ``__import__("...")`` with a literal name) and lists those
that name a forbidden module, or that are relative and climb out of the package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

DYNAMIC_IMPORTERS = {"import_module", "__import__"}


def forbidden_imports(package_dir: Path, package: str, forbidden: Iterable[str]) -> list[str]:
    """``"file:line: <statement>"`` for each import under ``package_dir`` it must not make.

    ``package`` is the dotted name of ``package_dir`` (``connectors.mirakl.sandbox``). An
    import is forbidden when a module it names is one of ``forbidden`` or below one, unless it
    is ``package`` itself or below; a relative import resolving outside ``package`` is
    forbidden whatever it names.
    """
    prefixes = tuple(forbidden)
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        here = ".".join((package, *path.relative_to(package_dir).parent.parts))
        for node, names, relative in _imports(ast.parse(path.read_text(), str(path)), here):
            outside = [name for name in names if not _within(name, package)]
            if (relative and outside) or any(_within_any(name, prefixes) for name in outside):
                found.append(f"{path.relative_to(package_dir)}:{node.lineno}: {ast.unparse(node)}")
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _within_any(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(_within(name, prefix) for prefix in prefixes)


def _imports(tree: ast.AST, here: str) -> Iterator[tuple[ast.AST, list[str], bool]]:
    """(node, absolute names it imports, was relative) for every import, however nested.

    ``from a.b import c`` names ``a.b.c``: ``c`` may be a module (``from connectors import
    mirakl``) or an attribute of ``a.b``, and either way ``a.b.c`` lies below ``a.b``.
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield node, [alias.name for alias in node.names], False
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, here)
            names = [
                base if alias.name == "*" else ".".join(filter(None, (base, alias.name)))
                for alias in node.names
            ]
            yield node, names, node.level > 0
        elif _is_dynamic_import(node):
            yield node, [node.args[0].value], False


def _absolute(node: ast.ImportFrom, here: str) -> str:
    if node.level == 0:
        return node.module or ""
    parts = here.split(".")
    base = parts[: len(parts) - (node.level - 1)] if node.level - 1 <= len(parts) else []
    return ".".join([*base, *([node.module] if node.module else [])])


def _is_dynamic_import(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = node.args[0]
    return (
        name in DYNAMIC_IMPORTERS
        and isinstance(first, ast.Constant)
        and isinstance(first.value, str)
    )

"""No import circle: every module imports on its own, ``import survey_app`` loads no blueprint, and an import
cycle never leaves one package (the blueprints once imported ``csrf`` back from ``web``, which imported them)."""
from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import survey_app

ROOT = Path(survey_app.__file__).parent
#: Entry points that run on import: ``python -m survey_app`` runs the CLI, ``wsgi`` builds the app.
ENTRY_POINTS = {"survey_app.__main__", "survey_app.wsgi"}

ISOLATED_IMPORTS = """
import importlib, sys
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "survey_app" or m.startswith("survey_app.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        print(f"{name}: {type(exc).__name__}: {exc}")
"""


def _module_names() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(survey_app.__path__, "survey_app.")]
    return [name for name in names if name not in ENTRY_POINTS]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=600, check=False)


def test_every_module_imports_on_its_own():
    """Each module, imported first into an interpreter that has loaded nothing of the app, imports."""
    names = _module_names()
    assert len(names) > 150
    chunks = [names[i::2] for i in range(2)]  # two interpreters; each clears the app's modules before each import
    with ThreadPoolExecutor(len(chunks)) as pool:
        results = list(pool.map(lambda chunk: _run("-c", ISOLATED_IMPORTS, *chunk), chunks))
    assert all(r.returncode == 0 for r in results), [r.stderr[-2000:] for r in results]
    assert "".join(r.stdout for r in results) == ""


def test_import_survey_app_loads_no_blueprint():
    """``import survey_app`` loads the factory and the extensions; the blueprints load when create_app runs."""
    result = _run("-X", "importtime", "-c", "import survey_app")
    assert result.returncode == 0, result.stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert {m for m in loaded if m.startswith("survey_app")} == {"survey_app", "survey_app.config",
                                                                 "survey_app.extensions"}


def test_extensions_import_nothing_from_the_app():
    """Any module may import an extension at its top: ``survey_app.extensions`` needs nothing of the app."""
    tree = ast.parse((ROOT / "extensions.py").read_text())
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert all(module and not module.startswith("survey_app") for module in imported)
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]


def _modules() -> dict[str, tuple[Path, bool]]:
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


def _imports(name: str, path: Path, is_package: bool, modules: dict) -> set[str]:
    """The app modules ``name`` imports, at its top or inside functions (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(block.test) for n in ast.walk(block)}
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            if module in modules:
                found.update(f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names)
    return found - {name}


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while not component or node not in component:
                component.add(stack.pop())
            if len(component) > 1:
                components.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return components


def test_no_import_cycle_leaves_a_package():
    """A cycle may join a package and its own modules (a blueprint package imports its views, which import
    ``bp``); one that joins two packages is the circle this test keeps out."""
    modules = _modules()
    graph = {name: _imports(name, path, is_package, modules) for name, (path, is_package) in modules.items()}
    packages = {name: name if is_package else name.rpartition(".")[0] for name, (_p, is_package) in modules.items()}
    leaving = [sorted(cycle) for cycle in _cycles(graph)
               if not any(all(m == packages[home] or m.startswith(packages[home] + ".") for m in cycle)
                          for home in cycle)]
    assert leaving == []


#: The imports left inside functions, each for a reason.
LOCAL_IMPORTS = {
    ("survey_app", "."): "create_app's own: `import survey_app` stays light",
    ("survey_app", ".blueprints"): "create_app's own",
    ("survey_app", ".database"): "create_app's own",
    ("survey_app", ".models.parsed"): "create_app's own",
    ("survey_app", ".privacy.key_files"): "create_app's own",
    ("survey_app.cli", ".server"): "gunicorn only when serving",
    ("survey_app.privacy.crypto", ".key_files"): "cycle inside privacy",
    ("survey_app.distribution.channels", ".email"): "cycle inside channels",
    ("survey_app.distribution.channels", ".sms"): "cycle inside channels",
    ("survey_app.distribution.views", "."): "cycle: import_views puts its routes on views.bp",
    ("survey_app.accounts.passwords", "zxcvbn"): "cold path",
    ("survey_app.distribution.contact_files", "openpyxl"): "cold path",
    ("survey_app.retention.cases_link", "..models"): "VOC cases are optional until merged (cases_link docstring)",
    ("survey_app.retention.cases_link", "..cases"): "VOC cases are optional until merged (cases_link docstring)",
}


def test_imports_inside_functions_are_the_known_few():
    """A new import inside a function needs a reason here, not a hidden circle."""
    found = set()
    for name, (path, _is_package) in _modules().items():
        for function in ast.walk(ast.parse(path.read_text())):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.ImportFrom):
                        found.add((name, "." * node.level + (node.module or "")))
                    elif isinstance(node, ast.Import):
                        found.update((name, alias.name) for alias in node.names)
    assert found == set(LOCAL_IMPORTS)

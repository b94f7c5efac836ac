"""The import rules of ARCHITECTURE.md: the core knows no file format and no Excel; only xl/ imports xlwings."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "indsatstrappe"
CORE = sorted(p.stem for p in (PACKAGE / "core").glob("*.py") if p.stem != "__init__")
FORMATS = {"openpyxl", "xlsxwriter", "xlwings"}
# the layers are the package's folders (ARCHITECTURE.md, "Layers"): what each may import of the package
LAYERS = {"core": {"core"}, "io": {"core", "io"}, "excel": {"core", "excel"}, "app": {"core", "io", "excel", "app"},
          "xl": {"core", "io", "excel", "app", "xl"}, "cli": {"core", "io", "excel", "app", "cli"}}


def imports(path: Path) -> set[str]:
    """Every module a file imports: absolute names, and relative ones as '.name' (the package's own)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level:  # from .x import y / from . import x, y
            found |= {"." + node.module.split(".")[0]} if node.module else {"." + a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add((node.module or "").split(".")[0])
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_stands_in_a_layer_folder():
    """#31.1: the folders are the architecture; no module stands beside them."""
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    assert {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()} == set(LAYERS)


def test_each_layer_imports_only_what_it_may():
    """core only the core; io and excel the core and themselves; app those; xl and cli the rest but each other."""
    wrong = [f"{m} -> {e}" for m, edges in _module_graph().items() if _layer(m) in LAYERS
             for e in edges if _layer(e) and _layer(e) not in LAYERS[_layer(m)]]
    assert wrong == []


@pytest.mark.parametrize("name", CORE)
def test_the_core_imports_no_file_format_and_nothing_outside_the_core(name):
    path = PACKAGE / "core" / f"{name}.py"
    used = imports(path)
    assert not used & FORMATS, f"{name} imports {used & FORMATS}"
    outside = [node.module for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.ImportFrom) and node.level > 1]
    assert outside == [], f"{name} reaches outside the core: {outside}"


def test_io_and_excel_do_not_import_each_other():
    """Readers and writers of files meet only in the core types they both use (#31.2: the Udgiftsmodel builder
    took an account parser from io; it is the core's kontoplan now)."""
    crossing = []
    for edge, other in (("io", "excel"), ("excel", "io")):
        for p in (PACKAGE / edge).rglob("*.py"):
            text = p.read_text(encoding="utf-8")
            if re.search(rf"^\s*from \.+{other}\b|^\s*import indsatstrappe\.{other}\b|from indsatstrappe\.{other}\b",
                         text, re.M):
                crossing.append(p.relative_to(PACKAGE).as_posix())
    assert crossing == []


def test_only_xl_imports_xlwings():
    offenders = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                 if "xlwings" in imports(p) and p.parent.name != "xl"]
    assert offenders == []


def test_only_distribute_uses_the_speed_layer():
    """The speed layer sits behind one entry point: nothing but `distribute` (and the layer itself) imports
    it, and nothing outside it reaches into XlsxWriter's private names except charts.py (its one exception)."""
    speed = PACKAGE / "excel" / "speed"
    users = []
    for p in PACKAGE.rglob("*.py"):
        if speed in p.parents:
            continue
        text = p.read_text(encoding="utf-8")
        if "speed" in {u.lstrip(".") for u in imports(p)} or "excel.speed" in text or ".speed import" in text:
            users.append(p.relative_to(PACKAGE).as_posix())
    assert users == ["app/distribute.py"]
    # a private name of an XlsxWriter workbook, worksheet, chart or format, as our code names those objects
    private = re.compile(r"\b(wb|ws|chart|sheet|fmt|str_table|book\.wb)\._[a-z]")
    reaching = sorted({p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                       if speed not in p.parents and private.search(p.read_text(encoding="utf-8"))})
    assert reaching == ["excel/charts.py"]


def test_workbook_inputs_are_frozen():
    """A workbook's input is the shared data (built once by one function) and the user's choices; neither
    is changed after it is made, so one prepared input can serve every municipality and every refresh."""
    import dataclasses

    from indsatstrappe.excel.noegletal import noegletal_book as n
    from indsatstrappe.excel.udgiftsmodel import udgiftsmodel_input as u

    classes = (n.NoegletalData, n.NoegletalChoices, n.NoegletalInput, u.UdgiftsmodelData, u.AccountLines,
               u.UdgiftsmodelChoices, u.UdgiftsmodelInput)
    assert [c.__name__ for c in classes if not c.__dataclass_params__.frozen] == []
    choices = n.NoegletalChoices(101)
    with pytest.raises(dataclasses.FrozenInstanceError):
        choices.kommune = 147


def test_max_steps_is_the_widest_staircase():
    """The step columns and the step inputs' validation follow MAX_STEPS: the staircase with the most steps."""
    from indsatstrappe.core.staircase import default_staircases
    from indsatstrappe.excel.scaffold import INPUT_RULES, MAX_STEPS

    assert max(st.n_steps for st in default_staircases().values()) == MAX_STEPS
    assert INPUT_RULES["step"]["maximum"] == MAX_STEPS


def _module_graph() -> dict[str, set[str]]:
    """Every module of the package and the package modules it imports (also under TYPE_CHECKING)."""
    modules = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
                for alias in node.names:
                    edges.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("indsatstrappe"):
                edges.add(node.module)
        graph[name] = {e for e in edges if e in modules and e != name}
    return graph


def test_no_import_circle():
    """#31.4: no module imports, by any path, a module that imports it (the Udgiftsmodel's twin and its builder
    did, through the input types; those live in udgiftsmodel_input now). Packages' __init__ are left out."""
    graph = {k: {e for e in v if not (PACKAGE / Path(*e.split(".")[1:]) / "__init__.py").exists()}
             for k, v in _module_graph().items()}
    circles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                circles.append(path[path.index(nxt):] + [nxt])
            elif len(path) < 12:
                visit(nxt, path + [nxt])
    for start in sorted(graph):
        visit(start, [start])
    assert circles == [], circles[:3]

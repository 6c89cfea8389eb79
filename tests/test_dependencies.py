"""Apps depend downwards: an app imports only apps of its own layer or below.

The layers (README, "Architecture"): ground (audit, outbox, notifications) → register (accounts, enterprises,
catalogue) → workflow, each above the one before (credit → plans → inspections → complaints → supervision) →
composition (portals, yantai_inspect). The test reads every module of every app (tests and migrations
excepted: a test may build objects of any app, a migration is history) with `ast`, so an import inside a
function, `import_module("plans.services")`, `apps.get_model("plans", "Plan")` and a dotted string such as
`"plans.tasks.plan_notify"` all count. It fails naming file:line of every arrow that runs up.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Rank of each app: an app may import apps of a lower or equal rank. Within the ground and the register the
# apps are peers; the workflow apps are ordered; the composition layer sits on top.
GROUND = ("audit", "outbox", "notifications")
REGISTER = ("accounts", "enterprises", "catalogue")
WORKFLOW = ("credit", "plans", "inspections", "complaints", "supervision")
COMPOSITION = ("portals", "oversight", "yantai_inspect")

RANK = dict.fromkeys(GROUND, 0)
RANK.update(dict.fromkeys(REGISTER, 1))
RANK.update({app: 2 + i for i, app in enumerate(WORKFLOW)})
RANK.update({app: 2 + len(WORKFLOW) for app in COMPOSITION})

EXCLUDED_DIRS = {"tests", "migrations", "__pycache__"}

# Modules that live with the settings but belong to no layer: the one domain error type every service raises,
# the count-free pagination of every list, the locked-batch loop of every daily job and the date widget of
# every form. They import nothing of the project (test_the_shared_modules_import_no_app).
SHARED_MODULES = {
    "yantai_inspect.errors",
    "yantai_inspect.pagination",
    "yantai_inspect.batches",
    "yantai_inspect.widgets",
    "yantai_inspect.site",
    "yantai_inspect.replica",
    "yantai_inspect.inputs",
    "yantai_inspect.csv_export",
    "yantai_inspect.prepared",
}


def _app_of(dotted):
    if dotted in SHARED_MODULES:
        return None
    head = dotted.split(".", 1)[0]
    return head if head in RANK else None


def _string_targets(node):
    """Modules named by a call: import_module("x.y"), apps.get_model("x", "M") / ("x.M"), dotted strings
    given to Celery or settings (`"x.tasks.job"`)."""
    if not isinstance(node, ast.Call):
        return []
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if name in ("import_module", "__import__", "import_string") and args:
        return [args[0]]
    if name in ("get_model", "get_app_config") and args:
        return [args[0].split(".", 1)[0]]
    return []


def imports_of(path):
    """(line, module) for every module a file imports or names by string."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        else:
            found += [(node.lineno, target) for target in _string_targets(node)]
    return found


def app_modules(app, root=ROOT):
    base = root / app
    for path in sorted(base.rglob("*.py")):
        if EXCLUDED_DIRS.intersection(path.relative_to(base).parts[:-1]):
            continue
        yield path


def upward_imports(root=ROOT):
    offences = []
    for app, rank in RANK.items():
        if not (root / app).is_dir():
            continue
        for path in app_modules(app, root):
            for line, module in imports_of(path):
                target = _app_of(module)
                if target and target != app and RANK[target] > rank:
                    offences.append(f"{path.relative_to(root)}:{line} ({app}) imports {module} ({target})")
    return offences


def test_no_app_imports_an_app_above_it():
    offences = upward_imports()
    assert not offences, "imports that run up the layers:\n" + "\n".join(offences)


def test_the_shared_modules_import_no_app():
    """What every layer may import must itself stand on nothing of the project."""
    for module in SHARED_MODULES:
        path = ROOT.joinpath(*module.split(".")).with_suffix(".py")
        found = [m for _line, m in imports_of(path) if m.split(".", 1)[0] in RANK]
        assert not found, f"{module} imports {found}"


def test_every_installed_project_app_has_a_layer():
    from django.conf import settings

    project_apps = {
        name.split(".", 1)[0] for name in settings.INSTALLED_APPS if (ROOT / name.split(".", 1)[0]).is_dir()
    }
    assert project_apps <= set(RANK), f"apps without a layer: {sorted(project_apps - set(RANK))}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from plans.services import plan_file\n", "plans.services"),
        ("def f():\n    from inspections import selectors\n", "inspections"),
        ("import complaints.models\n", "complaints.models"),
        ("import_module('credit.services')\n", "credit.services"),
        ("apps.get_model('plans', 'Plan')\n", "plans"),
    ],
)
def test_the_reader_sees_every_kind_of_import(tmp_path, source, expected):
    path = tmp_path / "mod.py"
    path.write_text(source, encoding="utf-8")
    assert expected in [module for _line, module in imports_of(path)]


def test_it_names_the_file_and_line_of_an_upward_import(tmp_path):
    for app, source in [
        ("enterprises", "from enterprises.models import Enterprise\n\n\ndef f():\n    import plans.matching\n"),
        ("plans", "from credit.models import Grade\nfrom inspections.selectors import findings_summary\n"),
        ("inspections", "from plans.models import Plan\n"),
    ]:
        (tmp_path / app).mkdir()
        (tmp_path / app / "mod.py").write_text(source, encoding="utf-8")
    (tmp_path / "plans" / "tests").mkdir()
    (tmp_path / "plans" / "tests" / "test_x.py").write_text("import complaints\n", encoding="utf-8")
    assert upward_imports(tmp_path) == [
        "enterprises/mod.py:5 (enterprises) imports plans.matching (plans)",
        "plans/mod.py:2 (plans) imports inspections.selectors (inspections)",
    ]

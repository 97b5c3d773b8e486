"""Every piece stays in a room its size: no module over 600 lines, `config/` wiring only, and
`tests/` mirroring the apps.

- A Python module outside migrations passes 600 lines: split it into a package by concern.
- `config/` passes 1,000 lines of Python: it holds only wiring (settings, environment
  helpers, URLs, Celery, WSGI, the embedded PostgreSQL), so what grew there belongs in an app.
- `tests/` holds a folder that is not an app (a root package of the import-linter layers
  contract in pyproject.toml), one of the suites that span every app, or a helper package
  (a folder with no test modules), or a test module at its top: move its tests to the
  folder of the app they test.

Each check is a function of a folder, so the tests at the end run it on a scratch tree too
and prove it would fail.
"""

import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MODULE_LINES = 600
CONFIG_LINES = 1_000
# Suites that test every app at once, each saying why in its package docstring.
SHARED_SUITES = {"security", "browser"}
# Folders no one writes: the virtualenv, caches, the embedded databases, Node's packages.
SKIPPED_FOLDERS = {"migrations", "node_modules", "__pycache__"}


def python_files(root: Path):
    """Every .py under `root` outside migrations, the virtualenv and hidden folders (.git,
    .venv, .lantern's databases, tool caches)."""
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [
            name for name in subfolders if not name.startswith(".") and name not in SKIPPED_FOLDERS
        ]
        for name in files:
            if name.endswith(".py"):
                yield Path(folder) / name


def line_count(path: Path) -> int:
    with path.open("rb") as lines:
        return sum(1 for _ in lines)


def over_long_modules(root: Path) -> list[str]:
    return sorted(
        f"{path.relative_to(root)} has {count} lines (over {MODULE_LINES}): split it into a "
        "package by concern, one module per family (see docs/architecture.md)."
        for path in python_files(root)
        if (count := line_count(path)) > MODULE_LINES
    )


def config_overgrown(root: Path) -> list[str]:
    total = sum(line_count(path) for path in python_files(root / "config"))
    if total <= CONFIG_LINES:
        return []
    return [
        f"config/ holds {total} lines of Python (over {CONFIG_LINES:,}): config/ is wiring "
        "only; move what is not wiring into the app it belongs to (docs/architecture.md says "
        "which room holds what)."
    ]


def apps(root: Path) -> set[str]:
    """The apps: the root packages of the layers contract, which every app must join."""
    with (root / "pyproject.toml").open("rb") as file:
        return set(tomllib.load(file)["tool"]["importlinter"]["root_packages"])


def has_tests(folder: Path) -> bool:
    return any(folder.rglob("test_*.py"))


def stray_test_folders(root: Path) -> list[str]:
    known = apps(root) | SHARED_SUITES
    return sorted(
        f"tests/{folder.name}/ is not an app, a shared suite ({', '.join(sorted(SHARED_SUITES))}) "
        "or a helper package: move each of its tests to tests/<app>/ for the app whose code "
        "it tests. A suite that truly spans every app joins SHARED_SUITES in "
        "tests/config/test_rooms.py, with a package docstring saying why."
        for folder in (root / "tests").iterdir()
        if folder.is_dir()
        and folder.name not in SKIPPED_FOLDERS
        and not folder.name.startswith(".")
        and folder.name not in known
        and has_tests(folder)
    )


def test_no_module_outside_migrations_passes_600_lines():
    assert not over_long_modules(ROOT), "\n".join(over_long_modules(ROOT))


def test_config_holds_under_1000_lines_of_python():
    assert not config_overgrown(ROOT), "\n".join(config_overgrown(ROOT))


def test_every_folder_of_tests_is_an_app_a_shared_suite_or_a_helper():
    assert not stray_test_folders(ROOT), "\n".join(stray_test_folders(ROOT))


def test_no_test_module_sits_at_the_top_of_tests():
    loose = sorted(path.name for path in (ROOT / "tests").glob("test_*.py"))
    assert not loose, (
        f"{loose} sit at the top of tests/: move each to tests/<app>/ for the app whose code "
        "it tests (tests/conftest.py, factories.py and processes.py are the only shared files)."
    )


def test_every_app_has_its_folder_of_tests():
    missing = sorted(app for app in apps(ROOT) if not (ROOT / "tests" / app).is_dir())
    assert not missing, f"No tests/<app>/ for {missing}: tests/ mirrors the apps."


# The checks themselves, on a scratch tree: each would fail on what it is there to catch.


def scratch_tree(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.importlinter]\nroot_packages = ["config", "cases"]\n'
    )
    for folder in ("config", "cases/migrations", ".venv/lib", "tests/cases", "tests/security"):
        (tmp_path / folder).mkdir(parents=True)
    return tmp_path


def test_an_over_long_module_is_named_with_what_to_do(tmp_path):
    root = scratch_tree(tmp_path)
    (root / "cases" / "models.py").write_text("x = 1\n" * 601)
    (root / "cases" / "services.py").write_text("x = 1\n" * 600)
    # Migrations and the virtualenv are not ours to split.
    (root / "cases" / "migrations" / "0001_initial.py").write_text("x = 1\n" * 900)
    (root / ".venv" / "lib" / "vendored.py").write_text("x = 1\n" * 900)

    assert over_long_modules(root) == [
        "cases/models.py has 601 lines (over 600): split it into a package by concern, one "
        "module per family (see docs/architecture.md)."
    ]


def test_an_overgrown_config_is_named_with_what_to_do(tmp_path):
    root = scratch_tree(tmp_path)
    (root / "config" / "settings.py").write_text("x = 1\n" * 500)
    (root / "config" / "urls.py").write_text("x = 1\n" * 500)
    assert config_overgrown(root) == []

    (root / "config" / "demo.py").write_text("x = 1\n")
    assert "config/ holds 1001 lines of Python" in config_overgrown(root)[0]


def test_a_test_folder_that_is_no_app_is_named_with_what_to_do(tmp_path):
    root = scratch_tree(tmp_path)
    for folder in ("cases", "security", "audit", "support"):
        (root / "tests" / folder).mkdir(exist_ok=True)
    (root / "tests" / "cases" / "test_visibility.py").write_text("")
    (root / "tests" / "security" / "test_route_matrix.py").write_text("")
    (root / "tests" / "audit" / "test_history.py").write_text("")
    (root / "tests" / "support" / "builders.py").write_text("")  # a helper package: no tests

    problems = stray_test_folders(root)
    assert len(problems) == 1
    assert problems[0].startswith("tests/audit/ is not an app")
    assert "move each of its tests to tests/<app>/" in problems[0]

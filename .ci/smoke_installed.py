"""Check an installed rebound-tui (from the wheel, not the checkout) has all it reads at run time.

.ci/run runs it with a fresh venv's Python, from a folder outside the checkout:

    python smoke_installed.py CHECKOUT DATA_FILE

It imports every module, compares the package's data files with the checkout's, reads and parses
every stylesheet a class names (CSS_PATH), decodes the bundled demo data, then runs the dashboard
headless on DATA_FILE and opens the help screen (the modal screens' stylesheet). Any failure ends
it with a traceback and a non-zero exit.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.resources
import inspect
import pkgutil
import sys
from pathlib import Path


def data_files(root) -> set[str]:
    """Non-Python files under a package root (a Path or an importlib.resources Traversable)."""
    found: set[str] = set()

    def walk(node, prefix: str) -> None:
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name != "__pycache__":
                    walk(child, name + "/")
            elif not child.name.endswith((".py", ".pyc")):
                found.add(name)

    walk(root, "")
    return found


def main(checkout: Path, data_file: Path) -> None:
    import rebound_tui

    package = Path(rebound_tui.__file__).resolve().parent
    assert not package.is_relative_to(checkout), f"imported from the checkout: {package}"

    names = [
        m.name
        for m in pkgutil.walk_packages(rebound_tui.__path__, "rebound_tui.")
        if m.name != "rebound_tui.__main__"  # importing it runs the command line
    ]
    modules = [importlib.import_module(name) for name in names]

    installed = data_files(importlib.resources.files("rebound_tui"))
    source = data_files(checkout / "rebound_tui")
    assert source <= installed, f"missing from the installed package: {sorted(source - installed)}"

    from textual.app import App
    from textual.css.stylesheet import Stylesheet

    variables = App().get_css_variables()  # the theme's $background, $primary...

    sheets: dict[Path, str] = {}
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            css_path = cls.__dict__.get("CSS_PATH") if cls.__module__ == module.__name__ else None
            if css_path:
                paths = [css_path] if isinstance(css_path, str | Path) else css_path
                for path in paths:
                    sheets[Path(inspect.getfile(cls)).parent / path] = cls.__qualname__
    for path, owner in sheets.items():
        assert path.is_file(), f"{owner}.CSS_PATH: {path} is not installed"
        sheet = Stylesheet(variables=variables)
        sheet.read(path)
        sheet.parse()
    assert len(sheets) >= 2, sheets

    import datetime as dt
    import tempfile

    from rebound_tui.demo import make_demo_copy
    from rebound_tui.service import Service

    with tempfile.TemporaryDirectory() as folder:  # what --demo opens
        demo = Service.open(make_demo_copy(Path(folder), dt.date.today()))
        assert demo.due(), "the demo copy has nothing due"

    asyncio.run(dashboard(data_file))
    print(
        f"installed package: {len(modules)} modules, {len(installed)} data files, "
        f"{len(sheets)} stylesheets, demo data, dashboard and help screen: ok"
    )


async def dashboard(data_file: Path) -> None:
    from rebound_tui.service import Service
    from rebound_tui.ui.app import make_app

    app = make_app(Service.open(data_file), poll_seconds=0, save_delay=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen", app.screen
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ != "HelpScreen", app.screen
        await app.workers.wait_for_complete()


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]))

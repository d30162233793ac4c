"""The workbench's widgets never shadow Textual's own methods by accident: a method named like
one of Textual's (`Widget.remove`, `App.action_back` were) replaces it for Textual too, which
then calls ours with its own arguments. Only the hooks meant to be overridden, and two wrappers
that call Textual's own, may share a name with Textual's methods."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.app import App
from textual.dom import DOMNode
from textual.widget import Widget

import basketbench.tui
from basketbench.tui.app import BasketBench
from basketbench.tui.panes.baskets import BasketsPane

from .helpers import SIZE, settle

# compose/render: Textual's hooks for content. notify/push_screen: the app wraps Textual's own
# (records notices; guards dialog callbacks) and calls super() with the same arguments.
INTENDED = {"compose", "render", "notify", "push_screen"}
# The lines table repaints only the rows a change touched (panes/table.py): it overrides
# DataTable's update_cell (same signature, super() for anything but a plain cell change) and
# the render_line hook (drops the stale rows' cached renderings, then super()).
INTENDED_HERE = {"basketbench.tui.panes.table.BenchTable": {"update_cell", "render_line"}}


def textual_methods_overridden() -> dict[str, list[str]]:
    """Textual method name -> the workbench classes that define it themselves."""
    found: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(basketbench.tui.__path__, "basketbench.tui."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, DOMNode)
                    and cls.__module__ == module.__name__):
                continue
            for name, value in vars(cls).items():
                if name.startswith("__") or not (callable(value) or isinstance(value, property)):
                    continue
                if any(base.__module__.split(".")[0] == "textual" and name in vars(base)
                       for base in cls.__mro__[1:]):
                    found.setdefault(name, []).append(f"{cls.__module__}.{cls.__qualname__}")
    return found


def test_no_widget_shadows_a_textual_method():
    overridden = textual_methods_overridden()
    unexpected = {name: [cls for cls in where if name not in INTENDED_HERE.get(cls, ())]
                  for name, where in overridden.items() if name not in INTENDED}
    unexpected = {name: where for name, where in unexpected.items() if where}
    assert not unexpected, f"these shadow Textual's own methods; rename them: {unexpected}"
    assert "compose" in overridden  # the walk does reach the workbench's widgets


def test_textuals_remove_and_back_are_textuals():
    assert BasketsPane.remove is Widget.remove
    assert BasketBench.action_back is App.action_back


async def test_textuals_remove_takes_the_baskets_pane_out_of_the_screen(make_app):
    """Textual calls `remove()` with no argument; when the pane shadowed it, this raised."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.baskets_pane.remove()
        await settle(pilot)
        assert not app.query(BasketsPane)

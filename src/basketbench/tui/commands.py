"""The command palette provider: every registry action as a namespaced command
("basket: merge…", "promo: apply…"), with its current key in the help text."""

from __future__ import annotations

from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from . import actions


class PaletteHost(Protocol):
    """What the palette needs of the workbench app."""

    def run_palette_action(self, binding_id: str) -> None: ...


class BasketCommands(Provider):
    def _entries(self):
        app = cast(PaletteHost, self.app)  # the provider is registered by BasketBench only
        keymap = getattr(app, "keymap", {}) or {}
        for spec in actions.specs():
            if spec.id in ("app.command_palette", "dialog.close"):
                continue  # the palette is open already; dialogs close themselves
            keys = actions.key_label(keymap.get(spec.id, spec.keys))
            # The palette reads help as markup: escape it so "[" and keys show as typed.
            help_text = escape(f"{spec.help}  (key: {keys})")
            yield spec, partial(app.run_palette_action, spec.id), help_text

    async def discover(self) -> Hits:
        for spec, command, help_text in self._entries():
            yield DiscoveryHit(spec.command, command, text=spec.command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for spec, command, help_text in self._entries():
            score = matcher.match(spec.command)
            if score > 0:
                yield Hit(score, matcher.highlight(spec.command), command, text=spec.command,
                          help=help_text)

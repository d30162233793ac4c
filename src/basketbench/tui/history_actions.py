"""Looking back and going back in the workbench: `h` opens the history view of the open basket
(screens/history.py), ctrl+z and ctrl+y undo and redo this session's changes (undo.py).

Mixed into the app. Every change still runs through the app's `mutate` (busy baskets, the
version on screen as precondition, read-only profiles, stale baskets reloaded); the app calls
`undo_watch` on the backend a change uses and `undo_note` when a change comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..backends import BackendError
from .format import short_id
from .guard import guarded
from .messages import BasketChanged

if TYPE_CHECKING:  # undo.py (and the wire models it needs) loads at the first change, not
    from .undo import UndoLog  # before the first paint

NO_HISTORY = ("history unavailable: the {kind} backend at {label} keeps no basket history "
              "(the local engine and a basketbench sandbox do); undo there uses the inverse "
              "operation")


class HistoryActions:
    """`action_history`, `action_undo`, `action_redo`, and the hooks the app calls."""

    @property
    def undo_log(self: Any) -> UndoLog:
        log = self.__dict__.get("_undo_log")
        if log is None:
            from .undo import UndoLog

            log = self.__dict__["_undo_log"] = UndoLog()
        return log

    def undo_watch(self: Any, backend: Any) -> Any:
        return self.undo_log.watch(backend)

    def undo_note(self: Any, message: BasketChanged) -> None:
        self.undo_log.changed(message.label, message.before, message.basket)

    @guarded
    def action_history(self: Any) -> None:
        from .screens.history import HistoryScreen

        backend = self.backend
        if not getattr(backend.capabilities, "history", False):
            text = NO_HISTORY.format(kind=backend.kind, label=backend.label)
            self.status.say(text)
            self.notify(text, severity="warning", markup=False)
            return
        if self.snapshot:
            self.notify(f"The basket shown is a read-only snapshot of {self.snapshot}; open a "
                        "basket in pane 1 to see its history.", severity="warning",
                        markup=False)
            return
        if self.basket is None or self.basket.is_new:
            self.notify("Open a saved basket first: a new basket has no history yet.",
                        severity="warning", markup=False)
            return
        self.push_screen(HistoryScreen(self, (self.basket.id or "").lower()))

    @guarded
    def action_undo(self: Any) -> None:
        self._undo_or_redo(redo=False)

    @guarded
    def action_redo(self: Any) -> None:
        self._undo_or_redo(redo=True)

    def _undo_or_redo(self: Any, *, redo: bool) -> None:
        from .undo import CannotUndo, plan, version_of

        verb = "redo" if redo else "undo"
        if not self.may_change(verb):
            return
        seen = self.seen()
        change = self.undo_log.newest(seen.basket_id, redo=redo)
        if change is None:
            self.status.say(f"nothing to {verb} on basket {short_id(seen.basket_id)} (undo "
                            "covers the changes made in this workbench session)")
            return
        history = bool(getattr(self.backend.capabilities, "history", False))
        try:
            said, call = plan(change, redo=redo, history=history, shown=seen.version)
        except CannotUndo as exc:
            self.status.say(f"{verb} refused: {exc}")
            self.notify(str(exc), title=f"{verb.capitalize()} refused", severity="warning",
                        markup=False)
            return

        def done(result: Any, error: BackendError | None) -> None:
            if error is None:
                shown = self.basket if self.basket is not None and \
                    (self.basket.id or "").lower() == change.basket_id else None
                self.undo_log.moved(change, redo=redo, now=version_of(shown))

        async def unwatched(backend: Any, bid: str) -> Any:
            # Around the undo log (an undo is not a change to undo), through the recorder.
            return await call(getattr(backend, "inner", backend), bid)

        self.mutate(f"{verb} {change.label} ({said})", unwatched, seen, after=done)

    def restore_version(self: Any, basket_id: str, version: int,
                        after: Callable[[Any, BackendError | None], None]) -> bool:
        """Restore the open basket to `version` (the history view's `r`), as a change like
        any other: bound to the version on screen; False when refused."""
        if self.read_only:  # said as a restore (may_change would name undo)
            self.notify(f"Restore refused: profile {self.profile_name!r} is read-only",
                        title="Read-only", severity="warning", markup=False)
            return False
        if not self.may_change("undo"):
            return False
        if self.basket is None or (self.basket.id or "").lower() != basket_id:
            self.notify("Restore refused: the basket is no longer the open one.",
                        severity="warning", markup=False)
            return False

        async def restore(backend: Any, bid: str) -> Any:
            return await backend.restore(bid, version)

        return self.mutate(f"restore version {version}", restore, self.seen(), after=after)

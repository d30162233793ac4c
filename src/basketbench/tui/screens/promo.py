"""The promo code dialog: validates as you type (a dry run that changes nothing), applies on
enter, and shows the backend's reason when a code is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input

from ...backends import Backend, BackendError
from .base import Dialog

VALIDATE_DELAY = 0.25  # seconds of quiet typing before asking the backend

# apply(code, done) starts the apply through the app's mutation machinery (which refuses it
# on read-only profiles or while the basket is busy, returning False); done(result, error)
# is called when it finishes.
ApplyFn = Callable[[str, Callable[[Any, BackendError | None], None]], bool]


def promo_ok(result: Any) -> bool:
    return bool(getattr(result, "is_valid", False))


class PromoScreen(Dialog[str]):
    def __init__(self, backend: Backend, basket_id: str, apply: ApplyFn,
                 applied: list[str] | None = None) -> None:
        super().__init__()
        self.backend, self.basket_id, self.apply = backend, basket_id, apply
        self.applied = applied or []
        self._timer: Timer | None = None
        self.applying = False
        self.verdict: tuple[str, bool, str] | None = None  # (code, valid, message)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_line("Apply a promo code")
            yield Input(placeholder="promo code", id="code", max_length=100)
            yield self.message_line()
            applied = ", ".join(self.applied) if self.applied else "none"
            yield self.hint_line(f"applied now: {applied} · enter: apply · esc: close")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    @on(Input.Changed, "#code")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        code = event.value.strip()
        if not code:
            self.say("")
            return
        self.say("checking…")
        self._timer = self.set_timer(VALIDATE_DELAY, lambda: self.validate(code))

    def validate(self, code: str) -> None:
        self.call_backend(lambda: self.backend.validate_promo(self.basket_id, code),
                          lambda check, error: self._checked(code, check, error),
                          group="validate")

    def _checked(self, code: str, check: Any, error: BackendError | None) -> None:
        if self.query_one("#code", Input).value.strip() != code or self.applying:
            return  # the user typed on; a newer check is coming
        if error is not None:
            verdict = (code, False, f"could not check {code}: {error.message}")
        elif check.valid:
            # Validation is a dry run: a backend's "Promo code X applied" describes what
            # apply would do, so it is not shown as if it had happened.
            already = "already" in (check.message or "").lower()
            verdict = (code, True, check.message if already else
                       "can be applied (not applied yet: enter applies it)")
        else:
            verdict = (code, False, check.message or "cannot be applied")
        self.verdict = verdict
        mark = "✓" if verdict[1] else "✗"
        self.say(f"{mark} {code}: {verdict[2]}", kind="ok" if verdict[1] else "error")

    @on(Input.Submitted, "#code")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        code = event.value.strip()
        if not code:
            self.say("type a code first", kind="error")
            return
        if self.applying:
            return
        if self._timer is not None:
            self._timer.stop()
        self.workers.cancel_group(self, "validate")
        if self.apply(code, lambda result, error: self._done(code, result, error)):
            self.applying = True
            self.say(f"applying {code}…")

    def _done(self, code: str, result: Any, error: BackendError | None) -> None:
        self.applying = False
        if error is not None:
            self.say(f"✗ {code}: {error.message}", kind="error")
        elif promo_ok(result):
            self.dismiss(code)
        else:
            reason = getattr(result, "message", None) or "refused"
            self.say(f"✗ {code} refused: {reason}", kind="error")

"""`guarded`: a bug in an action, handler or dialog callback shows the app's error dialog
instead of ending the app (Textual exits on an exception in a handler). One wrapper for the
app and its mixins (history, follow)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


def guarded(method: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a bug: report it, keep running
            self.show_bug(method.__name__, exc)
            return None

    return wrapper

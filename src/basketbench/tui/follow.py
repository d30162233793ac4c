"""Follow mode: the open basket updates by itself when it is changed elsewhere (a storefront,
curl, another workbench, the CLI), with the changed cells highlighted as after a change made
here, and the status bar naming who did what. On a live API that is polled, the basket is
only marked stale (`r` reads it again). `W` turns following on and off (docs/workbench.md).

Safety (the workbench's rules, docs/workbench.md): a change made elsewhere is read and shown
only when no change of this workbench to that basket is in flight (it waits for it); while
it is read, the basket counts as loading, so keys pressed meanwhile are held and then bound
to the basket as it is shown after the refresh, never to the version it replaces. Changes
made by this workbench are never "elsewhere" (the backend knows its own versions, and a
version not newer than the one shown is ignored). Workers only post messages.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

from ..backends.base import BasketChange
from .format import short_id
from .guard import guarded

if TYPE_CHECKING:  # annotations only: the wire models load after the first paint
    from ..model.basket import Basket

BUSY_RETRY_S = 0.15  # how soon a change seen while ours is in flight is looked at again
STALE_MARK = "stale: changed elsewhere · r refreshes"


@dataclass
class FollowedChange(Message):
    """The followed basket changed (posted by the follow worker)."""

    change: BasketChange


@dataclass
class FollowedBasket(Message):
    """The followed basket, read again after a change made elsewhere."""

    basket: Basket
    change: BasketChange


@dataclass
class FollowFailed(Message):
    basket_id: str
    error: BaseException
    backend: Any = None  # the backend followed (a switched-away one is not reported)
    reading: bool = False  # reading the changed basket failed; following goes on


def describe(change: BasketChange) -> str:
    """"add_item by client:storefront (v8): +MUG-WHITE x1; grand total ..." """
    who = change.actor or "someone"
    what = change.operation or "a change"
    version = f" (v{change.version})" if change.version is not None else ""
    return f"{what} by {who}{version}" + (f": {change.summary}" if change.summary else "")


class FollowMode:
    """Mixed into the app: `follow_shown` (called when a basket is rendered), the `W`
    action and the follow messages' handlers."""

    follow_on: bool | None = None  # None: the backend's default (on where it can follow)
    follow_stale: bool = False
    _followed: tuple[Any, str] | None = None  # (backend, basket id) being followed
    _follow_task: asyncio.Task | None = None
    # The app's own state, which the handlers below set: declared so they type-check.
    basket: Any
    basket_id: str | None
    loading_id: str | None

    def following(self: Any) -> bool:
        able = getattr(self.backend.capabilities, "follow", None) is not None
        return able and (self.follow_on is None or self.follow_on)

    def follow_shown(self: Any) -> None:
        """Follow the basket on screen (or stop, when none or follow is off)."""
        basket = self.basket
        bid = (basket.id or "").lower() if basket is not None and not self.snapshot else None
        self.follow_stale = False
        want = (self.backend, bid) if bid and self.following() else None
        if want == self._followed:
            return
        self._followed = want
        self._stop_following()
        if want is not None:
            # A task, not a Textual worker: it never ends by itself, and workers are what
            # "wait until the app is idle" waits for. It only posts messages, as workers do.
            self._follow_task = asyncio.get_running_loop().create_task(
                self._follow(*want), name=f"follow-{want[1]}")

    def _stop_following(self: Any) -> None:
        task, self._follow_task = self._follow_task, None
        if task is not None:
            task.cancel()

    async def on_unmount(self: Any) -> None:
        task, self._follow_task = self._follow_task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _follow(self: Any, backend: Any, basket_id: str) -> None:
        try:
            changes = backend.watch(basket_id)
        except Exception as exc:  # noqa: BLE001 - said in the status bar; the app goes on
            self.post_message(FollowFailed(basket_id, exc, backend))
            return
        try:
            async for change in changes:
                self.post_message(FollowedChange(change))
        except Exception as exc:  # noqa: BLE001
            self.post_message(FollowFailed(basket_id, exc, backend))
        finally:
            await changes.aclose()  # ends the stream or leaves the feed now, not at GC

    def action_toggle_follow(self: Any) -> None:
        if getattr(self.backend.capabilities, "follow", None) is None:
            self.status.say(f"follow: {self.backend.label} cannot be followed (no event "
                            "stream; set follow_interval on the profile to poll it)")
            return
        self.follow_on = not self.following()
        self._followed = None
        self._stop_following()  # off: no stream or poll left running; on: a fresh one
        self.follow_shown()
        how = "polling" if self.backend.capabilities.follow == "poll" else "live"
        self.status.say(f"follow {'on (' + how + ')' if self.follow_on else 'off'}")

    # -- handlers ----------------------------------------------------------------------------

    @guarded
    def on_followed_change(self: Any, message: FollowedChange) -> None:
        self._follow_change(message.change)

    def _follow_change(self: Any, change: BasketChange) -> None:
        bid = change.basket_id.lower()
        if not self.following() or bid != self.basket_id or self.snapshot:
            return
        if not change.elsewhere:
            return  # ours: already shown (or about to be) by the change's own handler
        if bid in self.busy or self.loading_id is not None:
            # A change of ours, or a load, is in flight: look again once it is done.
            self.set_timer(BUSY_RETRY_S, lambda: self.post_message(FollowedChange(change)))
            return
        shown = self.basket.version if self.basket is not None else None
        if change.version is not None and shown is not None and change.version <= shown:
            return  # already on screen
        if change.deleted:
            self.baskets_pane.remove_basket(bid)
            self.basket, self.basket_id = None, None
            self.render_basket(None)
            text = f"basket {short_id(bid)} deleted elsewhere: {describe(change)}"
            self.status.say(text)
            self.notify(text, title="Changed elsewhere", severity="warning", markup=False)
            return
        if change.stale:
            self.follow_stale = True
            self.lines_pane.border_subtitle = STALE_MARK
            moved = f" (version {shown} -> {change.version})" if change.version else ""
            self.status.say(f"basket {short_id(bid)} changed elsewhere{moved}: r refreshes")
            return
        # Read it again; keys pressed meanwhile are held (the basket is loading).
        self.loading_id = bid
        self.lines_pane.border_subtitle = "changed elsewhere: reading…"
        self.run_worker(self._reread(bid, change), group="follow-read", exclusive=True,
                        exit_on_error=False)

    async def _reread(self: Any, basket_id: str, change: BasketChange) -> None:
        try:
            basket = await self.backend.get_basket(basket_id)
        except Exception as exc:  # noqa: BLE001 - the handler says it
            self.post_message(FollowFailed(basket_id, exc, reading=True))
            return
        self.post_message(FollowedBasket(basket, change))

    @guarded
    def on_followed_basket(self: Any, message: FollowedBasket) -> None:
        basket = message.basket
        bid = (basket.id or "").lower()
        if bid != self.basket_id or self.loading_id != bid:
            return  # the person moved on (or opened another basket) meanwhile
        before = self.basket
        self.versions[bid] = None if basket.is_new else basket.version
        self.render_basket(basket, before=before)
        self.baskets_pane.upsert(basket)
        self.lines_pane.border_subtitle = ""
        self.status.say(f"changed elsewhere: {describe(message.change)}")
        self.loading_id = None
        self._replay_held()

    @guarded
    def on_follow_failed(self: Any, message: FollowFailed) -> None:
        error = message.error
        text = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        if message.reading:
            if self.loading_id == message.basket_id:
                self.lines_pane.border_subtitle = ""
                self._stop_loading("reading the basket changed elsewhere failed")
                self.status.say(f"reading the basket changed elsewhere failed: {text}; "
                                "r reads it again")
            return
        if message.backend is not None and message.backend is not self.backend:
            return  # a backend switched away from
        if self._followed == (message.backend, message.basket_id):
            self._followed, self._follow_task = None, None  # W twice, or reopening, retries
        if message.basket_id == self.basket_id:
            self.status.say(f"follow stopped: {text}")

"""The action registry: one list that every key, help line and palette command comes from.

Each entry has a binding id (stable, used by the `[keys]` table of the config to remap it), its
default key(s), the Textual action it runs, a short description, a longer help text, the
palette command name, and whether it changes data (refused on read-only profiles and while a
change to the same basket is in flight).

`scope` says where the binding lives: "app" bindings are on the app (they work whatever pane
has focus); "table" bindings are on the workbench's tables (cursor movement); "dialog" bindings
are on every dialog.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import _normalize_key_list, format_key


@dataclass(frozen=True)
class ActionSpec:
    id: str
    keys: str  # Textual key names, comma-separated: "plus", "question_mark,f1"
    action: str  # the Textual action string, e.g. "qty_inc" or "focus_pane('lines')"
    description: str
    help: str
    command: str  # the command palette name, "namespace: what…"
    mutates: bool = False
    scope: str = "app"  # "app" | "table" | "dialog"
    show: bool = False  # shown in the footer


ACTIONS: tuple[ActionSpec, ...] = (
    # -- panes and navigation ---------------------------------------------------------------
    ActionSpec("pane.baskets", "1", "focus_pane('baskets')", "Baskets",
               "Focus the baskets pane (pane 1).", "pane: baskets"),
    ActionSpec("pane.lines", "2", "focus_pane('lines')", "Lines",
               "Focus the lines pane (pane 2).", "pane: lines"),
    ActionSpec("pane.totals", "3", "focus_pane('totals')", "Totals",
               "Focus the totals pane (pane 3).", "pane: totals"),
    ActionSpec("pane.delivery", "4", "focus_pane('delivery')", "Delivery",
               "Focus the delivery pane (pane 4).", "pane: delivery"),
    ActionSpec("pane.next", "tab", "focus_next", "Next pane",
               "Move the focus to the next pane.", "pane: next"),
    ActionSpec("pane.previous", "shift+tab", "focus_previous", "Previous pane",
               "Move the focus to the previous pane.", "pane: previous"),
    ActionSpec("nav.down", "down,j", "cursor_down", "Down",
               "Move the cursor down one row.", "cursor: down", scope="table"),
    ActionSpec("nav.up", "up,k", "cursor_up", "Up",
               "Move the cursor up one row.", "cursor: up", scope="table"),
    ActionSpec("nav.first", "g", "first_row", "First row",
               "Move the cursor to the first row.", "cursor: first row", scope="table"),
    ActionSpec("nav.last", "G", "last_row", "Last row",
               "Move the cursor to the last row (loads more baskets when there are more).",
               "cursor: last row", scope="table"),
    ActionSpec("nav.open", "enter", "select_cursor", "Open",
               "Open the basket under the cursor.", "basket: open selected", scope="table"),
    ActionSpec("baskets.filter", "slash", "filter", "Filter",
               "Filter the baskets by id prefix, user email or id, or a product's stock code or "
               "name (escape clears the filter).", "baskets: filter…", show=True),
    ActionSpec("app.refresh", "r", "refresh", "Refresh",
               "Read the basket list and the open basket again.", "basket: refresh"),
    ActionSpec("app.back", "escape", "clear_filter", "Back",
               "Clear the baskets filter; in a dialog, close it.", "baskets: clear filter"),
    # -- baskets ----------------------------------------------------------------------------
    ActionSpec("basket.new", "n", "new_basket", "New basket",
               "Open a new basket with a fresh id. It is shown as new and not saved (*) until "
               "the first change creates it.", "basket: new"),
    ActionSpec("basket.delete", "d", "delete_basket", "Delete",
               "Delete the basket (asks first). In the baskets pane, the one under the cursor.",
               "basket: delete…", mutates=True),
    ActionSpec("basket.merge", "m", "merge", "Merge",
               "Merge another basket into this one: pick the source and the strategy, see the "
               "merged lines, then confirm. The source basket is deleted.", "basket: merge…",
               mutates=True, show=True),
    ActionSpec("basket.user", "u", "assign_user", "Assign user",
               "Assign the basket to a user.", "basket: assign to user…", mutates=True),
    ActionSpec("basket.campaign", "t", "campaign", "Campaign",
               "Set or clear the basket's campaign code.", "basket: campaign code…",
               mutates=True),
    ActionSpec("basket.po", "o", "po", "PO number",
               "Set or clear the purchase order number.", "basket: PO number…", mutates=True),
    ActionSpec("basket.custom_info", "f", "custom_info", "Custom info",
               "Edit custom info 1-5 of the selected line (in the lines pane) or of the basket.",
               "basket: custom info…", mutates=True),
    ActionSpec("basket.lock", "L", "lock", "Lock/unlock",
               "Lock or unlock the basket (local engine and sandbox only).",
               "basket: lock or unlock", mutates=True),
    ActionSpec("basket.explain", "w", "explain", "Why",
               "Explain every figure (why is this total what it is): on the lines pane the "
               "selected line, elsewhere the whole basket: prices, tax, each promotion's share "
               "and conditions, totals, shipping. On a live API, the audit of its numbers.",
               "basket: explain (why is this total what it is)"),
    ActionSpec("basket.copy_json", "y", "copy_json", "Copy JSON",
               "Copy the basket's exact wire JSON to the clipboard.", "basket: copy JSON"),
    ActionSpec("basket.copy_id", "I", "copy_id", "Copy id",
               "Copy the full basket id (the open basket's; in the baskets pane, the one "
               "under the cursor), for the CLI or a curl.", "basket: copy id"),
    # -- lines ------------------------------------------------------------------------------
    ActionSpec("line.qty_inc", "plus", "qty_inc", "Qty +1",
               "Add one to the selected line's quantity.", "line: quantity +1", mutates=True),
    ActionSpec("line.qty_dec", "minus", "qty_dec", "Qty -1",
               "Take one from the selected line's quantity (at zero the line goes).",
               "line: quantity -1", mutates=True),
    ActionSpec("line.qty_set", "e", "qty_set", "Exact qty",
               "Set the selected line's quantity exactly (0 removes it).",
               "line: set quantity…", mutates=True),
    ActionSpec("line.remove", "x", "remove_line", "Remove line",
               "Remove the selected line (and its child lines).", "line: remove", mutates=True),
    ActionSpec("line.add", "a", "add_item", "Add item",
               "Add a product: search the catalogue by name or stock code, or type a product id "
               "or stock code.", "line: add item…", mutates=True, show=True),
    ActionSpec("line.add_child", "b", "add_child", "Personalise",
               "Add a personalisation child line (engraving, gift message...) under the "
               "selected line, with its text.", "line: add personalisation…", mutates=True),
    ActionSpec("line.move_up", "left_square_bracket", "move_up", "Move up",
               "Move the selected line up (display order).", "line: move up", mutates=True),
    ActionSpec("line.move_down", "right_square_bracket", "move_down", "Move down",
               "Move the selected line down (display order).", "line: move down",
               mutates=True),
    # -- promotions -------------------------------------------------------------------------
    ActionSpec("promo.apply", "p", "promo_apply", "Promo code",
               "Type a promo code: it is validated as you type and applied on enter; a refused "
               "code shows the reason.", "promo: apply…", mutates=True, show=True),
    ActionSpec("promo.remove", "P", "promo_remove", "Remove promo",
               "Remove an applied promo code.", "promo: remove…", mutates=True),
    # -- delivery ---------------------------------------------------------------------------
    ActionSpec("delivery.shipping", "s", "shipping", "Shipping",
               "Choose the country and the shipping method (and the day, for nominated-day "
               "methods).", "delivery: shipping method…", mutates=True, show=True),
    ActionSpec("delivery.store", "c", "store", "Click & collect",
               "Choose the click & collect store, or clear it.",
               "delivery: click & collect store…", mutates=True),
    ActionSpec("delivery.instruction", "i", "instruction", "Instruction",
               "Set or clear the delivery instruction.", "delivery: instruction…",
               mutates=True),
    # -- checkout flows ---------------------------------------------------------------------
    ActionSpec("flow.record", "R", "flow_record", "Record flow",
               "Start recording a checkout flow (every change becomes a step, with the "
               "basket's totals as expectations); press again to stop and save it.",
               "flow: start or stop recording"),
    ActionSpec("flow.replay", "F", "flow_replay", "Replay flow",
               "Replay a flow file against this backend step by step, showing the basket "
               "after each step and each expectation that failed.", "flow: replay…"),
    ActionSpec("basket.diff", "D", "basket_diff", "Diff",
               "Show the open basket and another one side by side: lines added, removed and "
               "changed, and every total that differs.", "basket: diff with…"),
    # -- history (history_actions.py) -------------------------------------------------------
    ActionSpec("basket.history", "h", "history", "History",
               "The open basket's versions, newest first (operation, who, when, what moved): "
               "enter shows one with a diff against the one before, space marks one and d "
               "diffs it with the cursor's, r restores, x exports as a flow. Local engine and "
               "sandbox only.", "basket: history…"),
    ActionSpec("basket.undo", "ctrl+z", "undo", "Undo",
               "Take back the newest change made in this session to the open basket: by "
               "restoring the version before it (local engine, sandbox), or by the inverse "
               "operation on a live API (refused with the reason where there is none).",
               "basket: undo", mutates=True),
    ActionSpec("basket.redo", "ctrl+y", "redo", "Redo",
               "Make again the newest change undone with ctrl+z.", "basket: redo",
               mutates=True),
    # -- app --------------------------------------------------------------------------------
    ActionSpec("app.inspector", "l", "toggle_inspector", "Inspector",
               "Show or hide the request inspector: every backend call with its status, "
               "duration and size; Y copies the selected call as curl (redacted).",
               "app: request inspector"),
    ActionSpec("app.nexudus", "N", "nexudus_sessions", "Nexudus",
               "Open the Nexudus basket sessions of the Nexudus profile: page, filter by "
               "SessionId, open one read-only, send the current basket.",
               "nexudus: basket sessions…"),
    ActionSpec("app.follow", "W", "toggle_follow", "Follow",
               "Follow the open basket live (on by default where the backend can: the local "
               "engine, a sandbox): changes made elsewhere show within a second, highlighted, "
               "with who made them in the status bar. On a polled live API the basket is "
               "marked stale instead (r reads it again). W turns it off and on.",
               "basket: follow live on/off"),
    ActionSpec("app.help", "question_mark,f1", "help", "Help",
               "Show every key, its binding id and what it does.", "app: help", show=True),
    ActionSpec("app.command_palette", "ctrl+p", "command_palette", "Commands",
               "Open the command palette.", "app: command palette"),
    ActionSpec("app.quit", "q", "quit", "Quit", "Quit the workbench.", "app: quit",
               show=True),
    ActionSpec("dialog.close", "escape", "close", "Close",
               "Close the dialog without doing anything.", "dialog: close", scope="dialog"),
)

BY_ID: dict[str, ActionSpec] = {spec.id: spec for spec in ACTIONS}
BY_ACTION: dict[str, ActionSpec] = {spec.action: spec for spec in ACTIONS}
MUTATING: frozenset[str] = frozenset(spec.action for spec in ACTIONS if spec.mutates)

_KEY_LABELS = {
    "plus": "+", "minus": "-", "slash": "/", "question_mark": "?", "escape": "esc",
    "left_square_bracket": "[", "right_square_bracket": "]", "enter": "enter", "tab": "tab",
    "up": "up", "down": "down", "left": "left", "right": "right",
}


def key_label(keys: str) -> str:
    """Keys as a person types them: 'question_mark,f1' -> '? / f1'."""
    return " / ".join(_KEY_LABELS.get(k.strip(), format_key(k.strip()))
                      for k in keys.split(",") if k.strip())


def bindings(scope: str = "app") -> list[BindingType]:
    """Textual bindings for one scope, each carrying its binding id (so a keymap can remap it)."""
    return [
        Binding(spec.keys, spec.action, spec.description, show=spec.show, id=spec.id,
                tooltip=spec.help)
        for spec in ACTIONS if spec.scope == scope
    ]


# Widgets that declare their own bindings (with ids) outside the registry: module, class, scope.
WIDGET_BINDINGS = (
    ("basketbench.tui.inspector", "RequestInspector", "inspector"),
    ("basketbench.tui.nexudus_view", "NexudusSessionsScreen", "nexudus"),
)


def widget_bindings() -> list[tuple[str, str, str, str]]:
    """(id, default keys, description, scope) of the widgets' own bindings; their modules are
    imported only here (not needed to start)."""
    import importlib

    out, seen = [], set(BY_ID)
    for module, cls, scope in WIDGET_BINDINGS:
        widget = getattr(importlib.import_module(module), cls)
        for binding in widget.BINDINGS:
            if isinstance(binding, Binding) and binding.id and binding.id not in seen:
                seen.add(binding.id)
                out.append((binding.id, binding.key, binding.description, scope))
    return out


def widget_binding_ids() -> set[str]:
    """Ids of the bindings declared on widgets outside this registry (the request inspector,
    the Nexudus view): the keymap may remap them too. `basketbench keys` lists them."""
    return {row[0] for row in widget_bindings()}


def normalise_keymap(keymap: Mapping[str, str] | None) -> dict[str, str]:
    """A user keymap (binding id -> keys) in Textual's key names ('+' -> 'plus'). Unknown ids
    are a ValueError naming them, so a typo in the config is reported, not ignored."""
    keymap = dict(keymap or {})
    unknown = set(keymap) - set(BY_ID)
    if unknown:  # only then load the widgets' own bindings (not needed to start)
        unknown -= widget_binding_ids()
    if unknown:
        raise ValueError(f"unknown binding id(s) in keymap: {', '.join(sorted(unknown))} "
                         f"(see `basketbench keys`)")
    out = {}
    for binding_id, keys in keymap.items():
        if not isinstance(keys, str) or not keys.strip():
            raise ValueError(f"keymap {binding_id}: keys must be a non-empty string "
                             f"(got {keys!r})")
        out[binding_id] = _normalize_key_list(",".join(k.strip() for k in keys.split(",")))
    return out


def effective_bindings(keymap: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(binding id, keys as typed, description) for every action, after the keymap."""
    overrides = normalise_keymap(keymap)
    return [(spec.id, key_label(overrides.get(spec.id, spec.keys)), spec.description)
            for spec in ACTIONS]


def specs(scope: str | None = None) -> Iterable[ActionSpec]:
    return (spec for spec in ACTIONS if scope is None or spec.scope == scope)

"""Which lines two versions of a basket share, gained and lost, matched by line key.

The workbench's highlight and status sentence (tui/diff.py) and `basketbench diff`
(flows/diff.py) both match lines this way; what counts as "changed" is theirs to say (the
`same` function). A line that is the same object in both versions is unchanged without
asking (the local backend hands back the very same line models for untouched lines:
wirejson/parse.py), so a 2,000-line basket with one change compares one line.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)  # a line key (model/lines.py), as a tuple or as text
L = TypeVar("L")  # a line: a wire model, a dict, the engine's state


@dataclass
class LineDiff(Generic[K]):
    """Keys in the order of the newer version (removed: of the older one)."""

    added: list[K] = field(default_factory=list)
    removed: list[K] = field(default_factory=list)
    changed: list[K] = field(default_factory=list)
    unchanged: int = 0


def keyed(lines: Iterable[L], key: Callable[[L], K]) -> dict[K, L]:
    """Lines by key; of two lines with one key (a backend that should not send them) the
    first is kept, so neither disappears silently from a count of lines (see LineDiff)."""
    out: dict[K, L] = {}
    for line in lines:
        out.setdefault(key(line), line)
    return out


def diff_lines(before: Mapping[K, L], after: Mapping[K, L],
               same: Callable[[L, L], bool]) -> LineDiff[K]:
    """Lines added (only after), removed (only before) and changed (`same` says no)."""
    out: LineDiff[K] = LineDiff()
    for k, line in after.items():
        old = before.get(k)
        if old is None:
            out.added.append(k)
        elif old is line or same(old, line):
            out.unchanged += 1
        else:
            out.changed.append(k)
    out.removed = [k for k in before if k not in after]
    return out

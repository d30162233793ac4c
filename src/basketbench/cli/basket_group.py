"""`basketbench basket ...`: the group of basket_cmd.py with every operation on it.

The operations live in their own modules and register themselves on the group when imported
(`basket diff` is added here). They use basket_cmd's helpers, so they are imported here rather
than by basket_cmd, which keeps the imports acyclic.
"""

from __future__ import annotations

from . import (  # noqa: F401 - imported to register their commands on `basket`
    basket_delivery_cmd,
    basket_lines_cmd,
    basket_state_cmd,
    explain_cmd,
    history_cmd,
)
from .basket_cmd import basket
from .diff_cmd import diff

basket.add_command(diff)

__all__ = ["basket"]

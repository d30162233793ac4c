"""The four panes of the workbench and its status bar."""

from .baskets import BasketsPane
from .delivery import DeliveryPane
from .lines import LinesPane
from .status import StatusBar
from .table import BenchTable
from .totals import TotalsPane

__all__ = ["BasketsPane", "BenchTable", "DeliveryPane", "LinesPane", "StatusBar", "TotalsPane"]

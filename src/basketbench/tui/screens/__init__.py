"""Modal dialogs of the workbench."""

from .add_item import AddItemScreen, ChildLineScreen
from .base import Dialog
from .choice import Choice, ChoiceScreen, Picked
from .confirm import ConfirmScreen
from .custom_info import CustomInfoScreen
from .error import ErrorScreen
from .help import HelpScreen
from .merge import MergeScreen
from .promo import PromoScreen
from .prompt import QuantityScreen, TextPromptScreen
from .shipping import ShippingScreen

__all__ = ["AddItemScreen", "ChildLineScreen", "Choice", "ChoiceScreen", "ConfirmScreen",
           "CustomInfoScreen", "Dialog", "ErrorScreen", "HelpScreen", "MergeScreen", "Picked",
           "PromoScreen", "QuantityScreen", "ShippingScreen", "TextPromptScreen"]

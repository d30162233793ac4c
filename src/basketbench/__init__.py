"""basketbench: a terminal workbench for e-commerce baskets."""

__version__ = "0.1.0"

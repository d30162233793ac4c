"""Only the package list lives here (the rest is in pyproject.toml): every package under src/
plus `basketbench.themes`, which setuptools maps to the top-level themes/ folder."""

from setuptools import find_packages, setup

setup(packages=[*find_packages("src"), "basketbench.themes"])

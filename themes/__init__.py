"""Theme files shipped with basketbench: one TOML file per theme, installed as the package
data of `basketbench.themes` (see pyproject.toml) and loaded by `basketbench.tui.themes`."""

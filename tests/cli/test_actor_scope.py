"""The CLI names itself the actor of its changes only while a command runs: a caller that
runs it in-process (CliRunner, a script) keeps its own actor afterwards."""

from __future__ import annotations

from click.testing import CliRunner

from basketbench.actor import ACTOR, acting_as
from basketbench.cli import cli


def test_the_cli_actor_ends_with_the_command(tmp_path):
    with acting_as("caller"):
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "basket", "list"])
        assert result.exit_code == 0, result.output
        assert ACTOR.get() == "caller"

"""Sub-commands of the `icaops` command line, one Typer app per subsystem (registered in icaops/cli.py)."""

"""The command line: thin Typer sub-apps, one module per command group."""

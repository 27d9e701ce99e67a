"""How each command's result is shown: its JSON document and its rendering for people.

One module per command group; each function takes a service result and returns a
``cli.output.View`` that a command hands to ``Output.emit``."""

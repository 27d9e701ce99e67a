"""The ``fvm`` command: ``--version`` answers at once, everything else goes to the CLI."""

import sys


def main() -> None:
    """Run ``fvm``. ``fvm --version`` prints without loading the command line's modules."""
    if sys.argv[1:] == ["--version"]:
        from fvmcli import __version__

        print(f"fvm {__version__}")
        return
    from fvmcli.cli.app import main as run

    run()


if __name__ == "__main__":
    main()

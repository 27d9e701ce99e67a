from fvmcli.cli.app import main

main()

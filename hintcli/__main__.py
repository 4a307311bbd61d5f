from hintcli.cli import main

main()

from basketbench.cli import main

main()

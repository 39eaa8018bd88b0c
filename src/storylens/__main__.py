"""``python -m storylens`` runs the CLI."""

from storylens.cli.app import main

main()

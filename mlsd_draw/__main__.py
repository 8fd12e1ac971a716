"""`python -m mlsd_draw` runs the command-line tool."""

from .cli import run

run()

"""Child process: hold a source's lock until told to stop (a line on stdin)."""

import sys

import django

django.setup()

from graph.locks import source_locks  # noqa: E402

with source_locks([sys.argv[1]], wait=5):
    print("holding", flush=True)
    sys.stdin.readline()

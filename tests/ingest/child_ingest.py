"""Child process for the killed-run test: ingest a feed and hang inside its second batch.

python child_ingest.py FEED — prints "inside batch 2" once the second batch is written but
not committed, then waits to be killed (kill -9) by the test.
"""

import sys
import time

import django

django.setup()

from ingest import ingester  # noqa: E402

store_batch = ingester._store_batch
batches = []


def store_then_hang(*args, **kwargs):
    store_batch(*args, **kwargs)
    batches.append(1)
    if len(batches) == 2:
        print("inside batch 2", flush=True)
        time.sleep(120)


ingester._store_batch = store_then_hang
ingester.ingest(["blue_moon"], from_path=sys.argv[1])

"""Child process: ``manage.py scheduler`` with the network replaced by a recorded feed.

python child_scheduler.py FEED SLOW [scheduler options...]: every GET answers FEED's
bytes, robots.txt a 404 (httpx's transport patched, as the ingest tests patch it); with
SLOW above 0 each stored batch prints "batch N" and then waits SLOW seconds before it
commits, so a test can ask the scheduler to stop in the middle of a batch.
"""

import sys
import time

import django

django.setup()

import httpx  # noqa: E402
from django.core.management import call_command  # noqa: E402

from ingest import ingester  # noqa: E402

feed = open(sys.argv[1], "rb").read()
slow = float(sys.argv[2])


async def answer(self, request):
    if request.url.path == "/robots.txt":  # no robots.txt: everything allowed
        return httpx.Response(404, request=request)
    return httpx.Response(200, content=feed, request=request)


httpx.AsyncHTTPTransport.handle_async_request = answer

if slow > 0:
    store_batch = ingester._store_batch
    batches = []

    def store_slowly(*args, **kwargs):
        store_batch(*args, **kwargs)
        batches.append(1)
        print(f"batch {len(batches)}", flush=True)
        time.sleep(slow)

    ingester._store_batch = store_slowly

call_command("scheduler", *sys.argv[3:])

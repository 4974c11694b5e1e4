"""Child process for the race test: upsert the same venues as another process.

python race_upsert.py START_AT COUNT — waits until the wall clock reaches START_AT (so
both children hit the database together), then upserts COUNT venues by slug.
"""

import sys
import time

import django

django.setup()

from graph.models import Node  # noqa: E402

start_at, count = float(sys.argv[1]), int(sys.argv[2])
time.sleep(max(0.0, start_at - time.time()))
results = Node.objects.bulk_upsert(
    "venue", [{"name": f"Race Venue {i}", "slug": f"race-venue-{i}"} for i in range(count)]
)
print(sum(r.change == "create" for r in results))

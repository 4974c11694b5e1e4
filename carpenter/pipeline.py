"""The pipeline: ingest sources, then build the graph from what they brought.

``run_pipeline`` is the whole of ``manage.py run``, of a scheduled run and of the
dashboard's "Run now" (which the scheduler's worker carries out), so a run is the same
whoever starts it: the same steps, the same locks, the same records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from carpenter.service import carpenter
from graph.audit import RunOutcome
from ingest.console import QuietReporter, Reporter
from ingest.ingester import ingest, ingested, not_ingested


@dataclass
class PipelineOutcome:
    """What one pipeline run did.

    fetched: the ingest run's outcome.
    built: the carpenter run's outcome; None when no source ingested.
    left_out: sources the carpenter did not take, with why ("its ingest failed").
    """

    fetched: RunOutcome
    built: RunOutcome | None
    left_out: dict[str, str]

    @property
    def outcomes(self) -> list[RunOutcome]:
        return [o for o in (self.fetched, self.built) if o is not None]

    @property
    def ok(self) -> bool:
        """True when both runs succeeded."""
        return all(outcome.ok for outcome in self.outcomes)


def run_pipeline(
    names: Sequence[str],
    *,
    fetching: Mapping[str, Any] | None = None,
    building: Mapping[str, Any] | None = None,
    reporter: Reporter | None = None,
    lock: bool = True,
    trigger: str = "command",
) -> PipelineOutcome:
    """Ingest the sources called ``names``, then run the carpenter over those that ingested.

    A source whose ingest failed or was skipped brought nothing new: it is left out of
    the carpenter step, and the outcome says why.

    fetching: keyword arguments of the ingest step (``ingest.ingester.ingest``: from_path,
        samples...), passed through as they are.
    building: keyword arguments of the carpenter step (``carpenter.service.carpenter``:
        process_all, since).
    reporter: told about progress of both steps; silent by default.
    lock: hold the sources' locks (off for a throwaway database, which no one shares).
    trigger: who started the run ("command", "schedule", "dashboard"), kept in both runs.
    """
    names = list(dict.fromkeys(names))
    reporter = reporter or QuietReporter()
    fetched = ingest(names, reporter=reporter, lock=lock, trigger=trigger, **(fetching or {}))
    ready = ingested(fetched)
    built = (
        carpenter(ready, reporter=reporter, lock=lock, trigger=trigger, **(building or {}))
        if ready
        else None
    )
    return PipelineOutcome(fetched, built, not_ingested(fetched))

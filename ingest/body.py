"""A response body that can be read more than once without being held whole.

The ingester reads a body twice (``ingest.ingester``: once to check that it parses and
count its items, then to store them batch by batch), and a source that streams its
responses (``Source.split_file``) reads it as a file. A body fetched over the network is
bytes in memory (within the source's byte cap); a body read from a file (``--from``, the
samples) stays in its file, read a chunk at a time, so a run's memory does not grow with
the size of the response.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from typing import BinaryIO

CHUNK = 1 << 16
OVERLAP = 16
"""Bytes each chunk a pattern is searched in repeats from the last one: a match never
straddles two chunks unseen (the patterns searched are a few bytes long)."""


class Body:
    """One response body: bytes, or an open regular file (which the body then owns)."""

    def __init__(self, data: bytes | None = None, *, file: BinaryIO | None = None) -> None:
        assert (data is None) != (file is None), "bytes or a file"
        self._data = data
        self._file = file
        self._found: dict[re.Pattern[bytes], bool] = {}

    @classmethod
    def of(cls, body: bytes | Body) -> Body:
        """Return ``body`` as a Body (bytes are wrapped, not copied)."""
        return body if isinstance(body, Body) else cls(body)

    @property
    def size(self) -> int:
        """The body's length in bytes (a file's, as it is now)."""
        if self._data is not None:
            return len(self._data)
        assert self._file is not None
        return os.fstat(self._file.fileno()).st_size

    def stream(self) -> BinaryIO:
        """Return the body as a binary file positioned at its start.

        One stream at a time: asking again rewinds the same file.
        """
        if self._file is None:
            assert self._data is not None
            return io.BytesIO(self._data)  # shares the bytes until written, which it is not
        self._file.seek(0)
        return self._file

    def read(self) -> bytes:
        """Return the whole body (for readers that parse a response whole)."""
        if self._data is not None:
            return self._data
        return self.stream().read()

    def blank(self) -> bool:
        """Whether the body is empty or only whitespace."""
        if self._data is not None:
            return not self._data.strip()
        return not any(chunk.strip() for chunk in self._chunks(0))

    def contains(self, pattern: re.Pattern[bytes]) -> bool:
        """Whether ``pattern`` (a few bytes long at most) occurs in the body."""
        if pattern not in self._found:
            if self._data is not None:
                found = pattern.search(self._data) is not None
            else:
                found = any(pattern.search(chunk) for chunk in self._chunks(OVERLAP))
            self._found[pattern] = found
        return self._found[pattern]

    def close(self) -> None:
        """Close the body's file, if it has one."""
        if self._file is not None:
            self._file.close()

    def _chunks(self, overlap: int) -> Iterator[bytes]:
        """Yield the file's chunks, each starting ``overlap`` bytes before the last ended."""
        file, tail = self.stream(), b""
        while block := file.read(CHUNK):
            yield tail + block
            tail = block[-overlap:] if overlap else b""

"""Fixes to libsql-client's DB-API connection (the driver is archived upstream)."""

from __future__ import annotations

from libsql_client.dbapi2.hrana import ConnectionHrana
from libsql_client.dbapi2.types import Statement


class Connection(ConnectionHrana):
    """libsql-client's Hrana connection, keeping track of transactions correctly.

    The driver decides whether a transaction is open from each statement's first
    word, so ``ROLLBACK TO SAVEPOINT`` (how Django undoes a failed inner ``atomic``)
    made it believe the transaction had ended: the outer ROLLBACK or COMMIT was then
    skipped and the transaction stayed open on the server.
    """

    def _update_in_transaction(self, statement: Statement) -> None:
        words = [token.upper() for token in statement.tokens[:2]]
        if words[0] == "ROLLBACK" and words[1:] == ["TO"]:
            return
        super()._update_in_transaction(statement)

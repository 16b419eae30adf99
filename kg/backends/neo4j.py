"""The Neo4j backend: named questions and ad-hoc reads over Bolt, and the batched load.

The only module that imports the ``neo4j`` driver. Connection settings come from the
environment names Neo4j's own tools use (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD,
NEO4J_DATABASE); the password is never a command-line argument.

Load design: one explicit transaction per load. Constraints are created first (idempotent);
then nodes and relationships are streamed in batches of ``UNWIND $rows ... MERGE``; then
anything from an earlier load that this one did not write is pruned; then one commit. A failure
anywhere before the commit (bad data, server gone, process killed) rolls back, so the database
is exactly as it was before the load. Loading the same store twice changes nothing.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import neo4j
from neo4j import exceptions as neo4j_errors

from kg.backends import neo4j_statements as statements
from kg.backends.base import BOOKKEEPING, GraphBackend, plain, plain_rows
from kg.backends.readonly import check_read_query
from kg.core.captions import EVIDENCE_LINKS, caption, evidence_contexts
from kg.core.store import Store
from kg.errors import AuthError, BackendError, BackendUnavailable, KGError, ReadOnlyViolation, UsageError

if TYPE_CHECKING:
    from kg.queries.question import Question, Row

# The driver logs connection failures itself; cellkg reports them as one line instead.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
logging.getLogger("neo4j").propagate = False

DEFAULT_URI = "bolt://127.0.0.1:7687"
BATCH_SIZE = 2000

_MATCH_TERM = ("toLower(n.id) = toLower($term) OR toLower(n.name) = toLower($term) "
               "OR toLower($term) IN [s IN coalesce(n.synonyms, []) | toLower(s)]")


def settings(uri: str | None = None, user: str | None = None, database: str | None = None) -> dict[str, Any]:
    """Connection settings: explicit values first, then the NEO4J_* environment variables."""
    return {
        "uri": uri or os.environ.get("NEO4J_URI") or DEFAULT_URI,
        "user": user or os.environ.get("NEO4J_USERNAME") or "neo4j",
        "password": os.environ.get("NEO4J_PASSWORD"),
        "database": database or os.environ.get("NEO4J_DATABASE") or "neo4j",
    }


@contextmanager
def _translated(uri: str, database: str) -> Iterator[None]:
    """Driver exceptions become cellkg errors with one clear line."""
    try:
        yield
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, ValueError) as exc:
        raise _error(exc, uri, database) from None


def _error(exc: Exception, uri: str, database: str) -> KGError:
    """The cellkg error that names the real cause of a driver exception."""
    if isinstance(exc, neo4j_errors.Neo4jError):
        code, message = exc.code or "", exc.message or str(exc)
        if code == "Neo.ClientError.Security.AuthenticationRateLimit":
            return AuthError(f"Neo4j at {uri} locked the user out after too many wrong passwords: wait a few "
                             "seconds, then retry with the right NEO4J_PASSWORD")
        if isinstance(exc, neo4j_errors.AuthError) or code.startswith("Neo.ClientError.Security.Unauthorized"):
            if os.environ.get("NEO4J_PASSWORD") is None:
                return AuthError(f"Neo4j at {uri} needs a password: set NEO4J_PASSWORD "
                                 "(and NEO4J_USERNAME if the user is not neo4j)")
            return AuthError(f"Neo4j at {uri} refused the credentials (check NEO4J_USERNAME / NEO4J_PASSWORD): "
                             f"{message}")
        if code == "Neo.ClientError.Database.DatabaseNotFound":
            return BackendError(f"Neo4j at {uri} has no database '{database}' (set NEO4J_DATABASE)")
        if isinstance(exc, neo4j_errors.ClientError):
            if "AccessMode" in code or "read access mode" in message:
                return ReadOnlyViolation(f"refused: ad-hoc queries run read-only, and this one writes ({message})")
            return BackendError(f"Neo4j refused the query: {message}")
        return BackendError(f"Neo4j error: {message}")
    if isinstance(exc, neo4j_errors.ServiceUnavailable):
        reason = re.search(r"reason (.*?)\)?$", str(exc).strip())
        return BackendUnavailable(f"cannot reach Neo4j at {uri}"
                                  f" ({reason.group(1) if reason else str(exc).splitlines()[0]})")
    if isinstance(exc, neo4j_errors.SessionExpired):
        return BackendUnavailable(f"lost the connection to Neo4j at {uri}: {exc}")
    if isinstance(exc, neo4j_errors.DriverError):
        return BackendError(f"Neo4j driver error: {exc}")
    return BackendUnavailable(f"cannot use Neo4j URI '{uri}': {exc}")  # ValueError: a malformed URI


def _plain(value: Any) -> Any:
    """Driver values as the embedded engine gives them: a node is its properties, a relationship its
    type and properties (kg.backends.base.plain, without load bookkeeping), a path its nodes."""
    if isinstance(value, neo4j.graph.Node):
        return {k: _plain(v) for k, v in value.items() if k not in BOOKKEEPING}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, **{k: _plain(v) for k, v in value.items() if k not in BOOKKEEPING}}
    if isinstance(value, neo4j.graph.Path):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return plain(value)


SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class Neo4jBackend(GraphBackend):
    name = "neo4j"
    supports_cypher = True

    def __init__(self, uri: str | None = None, user: str | None = None, database: str | None = None) -> None:
        config = settings(uri, user, database)
        self.uri, self.database = config["uri"], config["database"]
        if self.database.lower() == "system":
            raise UsageError("the Neo4j 'system' database holds users and settings, not graphs: "
                             "choose another database (--database or NEO4J_DATABASE)")
        if self.uri.partition("://")[0] not in SCHEMES:
            raise BackendUnavailable(f"cannot use Neo4j URI '{self.uri}': the scheme must be one of "
                                     f"{', '.join(SCHEMES)}")
        auth = (config["user"], config["password"]) if config["password"] is not None else None
        with _translated(self.uri, self.database):
            self._driver = neo4j.GraphDatabase.driver(self.uri, auth=auth, connection_timeout=10,
                                                      max_transaction_retry_time=5)
            try:
                self._driver.verify_connectivity()
                info = self._driver.get_server_info()
                self._check_version(info.agent)
                self._driver.execute_query("RETURN 1", database_=self.database,
                                           routing_=neo4j.RoutingControl.READ)
            except BaseException:
                self._driver.close()
                raise

    def _check_version(self, agent: str) -> None:
        version = agent.partition("/")[2]
        try:
            major = int(version.split(".")[0])
        except ValueError:
            return
        if major < 5:
            raise BackendError(f"Neo4j at {self.uri} is version {version}; cellkg needs Neo4j 5 or newer")

    def close(self) -> None:
        self._driver.close()

    # ---- reading
    def _read(self, query: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        with _translated(self.uri, self.database), \
                self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(lambda tx: [r.data() for r in tx.run(query, dict(params))])

    def resolve(self, node_class: str, term: str) -> list[tuple[str, str]]:
        label = statements._safe(node_class)
        rows = self._read(f"MATCH (n:{label}) WHERE {_MATCH_TERM} RETURN n.id AS id, n.name AS name ORDER BY id",
                          {"term": term})
        return [(r["id"], r["name"]) for r in rows]

    def ask(self, question: Question, params: Mapping[str, str]) -> list[Row]:
        return plain_rows(self._read(question.cypher, params), question.columns)

    def cypher(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a user's query in a read transaction, once kg.backends.readonly has let it through."""
        check_read_query(query)

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            result = tx.run(query, dict(params or {}))
            # record.keys(): a driver Record, not a dict
            return [{k: _plain(record[k]) for k in record.keys()} for record in result]  # noqa: SIM118

        with _translated(self.uri, self.database), \
                self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    def count(self) -> tuple[int, int]:
        stamp = f"`{statements.BUILD_PROPERTY}` IS NOT NULL"
        rows = self._read(f"MATCH (n:Entity) WHERE n.{stamp} WITH count(n) AS nodes OPTIONAL MATCH "
                          f"(a:Entity)-[r]->(:Entity) WHERE a.{stamp} AND r.{stamp} RETURN nodes, count(r) AS rels", {})
        return int(rows[0]["nodes"]), int(rows[0]["rels"])

    # ---- loading
    def load(self, store_path: Path, batch_size: int = BATCH_SIZE, atomic: bool = True,
             progress: Callable[[str, int], None] | None = None) -> tuple[int, int]:
        """Load a built store; returns (nodes, relationships) written.

        ``atomic``: one transaction, so any failure leaves the database as it was. Otherwise every
        batch commits on its own (for graphs larger than the server's transaction memory) and a
        failed load is recovered by rerunning it: MERGE is idempotent and the final prune removes
        whatever the previous load left that this one did not write.
        """
        if batch_size < 1:
            raise UsageError(f"--batch-size must be a positive number of rows, not {batch_size}")
        try:
            return self._load(store_path, batch_size, atomic, progress)
        except BackendUnavailable:
            outcome = ("nothing was committed, so the database is as it was before" if atomic
                       else "part of it was committed; rerunning the same command completes it")
            raise BackendUnavailable(f"lost Neo4j at {self.uri} during the load: {outcome}; "
                                     "rerun `kg load` when the server is back") from None
        except BackendError as exc:
            if atomic and "dbms.memory.transaction" in str(exc):
                raise BackendError(f"the graph is too large for one transaction on {self.uri} "
                                   "(dbms.memory.transaction.total.max); nothing was committed. Rerun with "
                                   "--commit-every-batch (a failure is then recovered by rerunning)") from None
            raise

    def _load(self, store_path: Path, batch_size: int, atomic: bool,
              progress: Callable[[str, int], None] | None) -> tuple[int, int]:
        counts = {"nodes": 0, "relationships": 0}
        with Store(store_path) as store, _translated(self.uri, self.database), \
                self._driver.session(database=self.database) as session:
            schema, build = store.schema(), store.build_id()
            types = sorted(schema.relationships)
            for statement in statements.constraints(schema):
                session.run(statement).consume()
            contexts = evidence_contexts(store.links(EVIDENCE_LINKS))
            nodes = statements.node_batches(schema, store.nodes_by_label(), build, batch_size,
                                            lambda node: caption(node, contexts.get(node.id)))
            work = _chain(("nodes", nodes),
                          ("relationships", statements.edge_batches(store.edges_with_labels(), build, batch_size)))
            if atomic:
                tx = session.begin_transaction()
                try:
                    for kind, batch in work:
                        tx.run(batch.statement, rows=batch.rows).consume()
                        _count(counts, kind, len(batch.rows), progress)
                    tx.run(statements.PRUNE_EDGES, build=build, types=types).consume()
                    tx.run(statements.PRUNE_NODES, build=build).consume()
                    tx.commit()
                finally:
                    if not tx.closed():
                        tx.rollback()
            else:
                for kind, batch in work:
                    session.execute_write(_run_batch, batch)
                    _count(counts, kind, len(batch.rows), progress)
                session.run(statements.PRUNE_EDGES_IN_BATCHES, build=build, types=types).consume()
                session.run(statements.PRUNE_NODES_IN_BATCHES, build=build).consume()
            # The planner's statistics of freshly filled indexes are sampled later in the background;
            # until then the first questions may scan an index instead of seeking it (right after a
            # load of the curated graph, 4 of 14 questions started from NodeIndexScan).
            with suppress(neo4j_errors.Forbidden):  # a role without the procedure: plans catch up later
                session.run(statements.RESAMPLE_INDEXES).consume()
        return counts["nodes"], counts["relationships"]


def _run_batch(tx: neo4j.ManagedTransaction, batch: statements.Batch) -> None:
    tx.run(batch.statement, rows=batch.rows).consume()


def _chain(*parts: tuple[str, Iterator[statements.Batch]]) -> Iterator[tuple[str, statements.Batch]]:
    for kind, batches in parts:
        for batch in batches:
            yield kind, batch


def _count(counts: dict[str, int], kind: str, n: int, progress: Callable[[str, int], None] | None) -> None:
    counts[kind] += n
    if progress:
        progress(kind, n)

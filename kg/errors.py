"""One exception tree for cellkg. Exceptions carry context; the CLI formats them.

    KGError
    ├── OntologyError            the ontology file itself is unreadable or inconsistent
    ├── DataError                input data is wrong; carries file, line, record and field
    │   ├── SchemaViolation      a node or edge breaks the ontology (class, predicate, domain, type)
    │   └── ConflictError        the same id twice with different content
    ├── StoreError               the embedded store is missing, unreadable or unwritable
    ├── NotFound                 a term, question or parameter value does not exist
    ├── UsageError               a command was called with arguments that do not fit
    ├── ExportError              an identifier cannot become an IRI, or the output cannot be written
    ├── ShapesViolation          the exported graph breaks the SHACL shapes; carries the violations
    ├── FetchError               a live source (ClinicalTrials.gov) failed or answered unexpectedly
    └── BackendError             a graph backend failed
        ├── BackendUnavailable   the server cannot be reached, or the driver is not installed
        ├── AuthError            the server refused the credentials
        └── ReadOnlyViolation    an ad-hoc query tried to write
"""

from __future__ import annotations


class KGError(Exception):
    """Base of every error cellkg raises on purpose."""


class OntologyError(KGError):
    """The ontology cannot be read or is inconsistent."""


class DataError(KGError):
    """Input data is wrong. ``where`` names the place: file, line, record and field."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 record: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.record = record
        self.field = field

    @property
    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.record:
            parts.append(f"record {self.record}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class SchemaViolation(DataError):
    """A node or edge breaks the ontology."""


class ConflictError(DataError):
    """The same identifier was defined twice with different content."""


class StoreError(KGError):
    """The embedded store is missing, unreadable or unwritable."""


class NotFound(KGError):
    """A term, question or parameter value does not exist."""


class UsageError(KGError):
    """A command was called with arguments that do not fit."""


class BackendError(KGError):
    """A graph backend failed."""


class BackendUnavailable(BackendError):
    """The backend's server cannot be reached, or its driver is not installed."""


class AuthError(BackendError):
    """The server refused the credentials."""


class ReadOnlyViolation(BackendError):
    """An ad-hoc query tried to write in read access mode."""


class FetchError(KGError):
    """A live source could not be fetched (after retries), or answered with something unexpected."""


class ExportError(KGError):
    """The graph cannot be exported: an identifier cannot become an IRI, or the output is unwritable."""


class ShapesViolation(KGError):
    """The exported graph does not conform to the SHACL shapes; ``violations`` lists each one."""

    def __init__(self, message: str, violations: list[str]) -> None:
        super().__init__(message)
        self.violations = violations

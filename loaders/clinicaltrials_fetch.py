"""Download search pages from the live ClinicalTrials.gov API v2.

    kg fetch clinicaltrials --condition "myasthenia gravis" --intervention "CAR-T"

Pages are saved byte for byte, as received, under ``<data dir>/clinicaltrials/`` as
``<query>-page-0001.json``… (by default the data folder beside the store, not the installed
package), which is where kg.loaders.clinicaltrials reads them on the next ``kg build``. The fetch is

* polite: a User-Agent naming cellkg, a pause between pages (the API allows about 50 requests a
  minute), retries with exponential backoff on 429 and 5xx (honouring Retry-After) and on
  connection errors, and an optional ``--max-pages`` cap;
* resumable and whole: a run's pages and its state file (``<query>.state``, the next page token)
  gather in ``.<query>.partial/``; a rerun continues from it, ``--restart`` drops it, and the
  finished set replaces the previous one only once the last page is in. A repeated page token is
  an error, not an endless loop.

The endpoint is ``https://clinicaltrials.gov/api/v2/studies`` with ``query.cond``, ``query.intr``,
``pageSize`` (at most 1000), ``pageToken`` and ``format=json``; a page is
``{"studies": [...], "nextPageToken": "…"}`` and the last page has no token. ``CELLKG_CTGOV_URL``
overrides the endpoint (tests point it at a local server). Only this module touches the network.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.core.steps import Step, quiet
from kg.errors import FetchError, UsageError

DEFAULT_URL = "https://clinicaltrials.gov/api/v2/studies"
URL_ENV = "CELLKG_CTGOV_URL"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_WAIT = 60.0


@dataclass(frozen=True)
class FetchReport:
    directory: Path
    pages: int  # pages fetched by this run
    studies: int  # studies in those pages
    total_pages: int  # pages saved for this query so far
    complete: bool  # the last page has been saved
    state: Path


def user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("cellkg")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        release = "dev"
    return f"cellkg/{release} (knowledge graph of cell therapies in autoimmune disease; kg fetch clinicaltrials)"


def query_name(condition: str | None, intervention: str | None) -> str:
    """A stable file-name stem for one query, ``cond-myasthenia-gravis_intr-car-t-1a2b3c4d``: readable,
    and with a digest of the exact words, so two queries never share files ("CAR-T" vs "CAR T")."""
    import hashlib

    from kg.loaders.clinicaltrials_links import slug  # compiles the loader's patterns on import

    parts = [f"cond-{slug(condition)}" if condition else "", f"intr-{slug(intervention)}" if intervention else ""]
    digest = hashlib.sha1(f"{condition or ''}\x1f{intervention or ''}".encode()).hexdigest()[:8]
    return "_".join(p for p in parts if p) + f"-{digest}"


def page_url(base: str, params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return f"{base}{'&' if '?' in base else '?'}{urlencode(params)}"


def get(url: str, *, retries: int = 5, backoff: float = 2.0, timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep) -> bytes:
    """GET ``url``; retry 429, 5xx and connection errors with exponential backoff."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": user_agent(), "Accept": "application/json"})
    for attempt in range(retries + 1):
        wait = min(backoff * 2 ** attempt, MAX_WAIT)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read()[:300].decode("utf-8", "replace").strip()  # the API's errors are plain text
            except OSError:
                body = ""
            exc.close()
            if exc.code not in RETRY_STATUS:
                raise FetchError(f"ClinicalTrials.gov answered HTTP {exc.code} for {url}: {body or exc.reason}") from None
            reason = f"HTTP {exc.code}"
            retry_after = exc.headers.get("Retry-After", "") if exc.headers else ""
            if retry_after.strip().isdigit():
                wait = min(float(retry_after), MAX_WAIT)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = str(getattr(exc, "reason", exc))
        if attempt == retries:
            raise FetchError(f"ClinicalTrials.gov unreachable after {retries + 1} attempts ({reason}): {url}")
        sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read_state(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FetchError(f"{path}: unreadable fetch state ({exc}); rerun with --restart") from None
    if not isinstance(state, dict) or not isinstance(state.get("params"), dict):
        raise FetchError(f"{path}: unreadable fetch state; rerun with --restart")
    return state


def _swap_in(partial: Path, directory: Path, stem: str) -> None:
    """Replace the finished pages of one query by a complete new set, as one step for the loader:
    the old set moves aside, the new one in, then the old one goes."""
    trash = directory / f".{stem}.old"
    shutil.rmtree(trash, ignore_errors=True)
    trash.mkdir()
    for old in [*directory.glob(f"{stem}-page-*.json"), directory / f"{stem}.state"]:
        if old.exists():
            os.replace(old, trash / old.name)
    for new in sorted(partial.iterdir()):
        os.replace(new, directory / new.name)
    partial.rmdir()
    shutil.rmtree(trash, ignore_errors=True)


def fetch(condition: str | None, intervention: str | None, data_dir: Path, *, page_size: int = 100,
          max_pages: int | None = None, delay: float = 1.5, backoff: float = 2.0, retries: int = 5,
          restart: bool = False, base_url: str | None = None,
          sleep: Callable[[float], None] = time.sleep, progress: Step = quiet) -> FetchReport:
    """Fetch every page of one search into ``data_dir/clinicaltrials/``, resuming where a run stopped.

    Pages of a run accumulate in a hidden ``.<query>.partial/`` folder beside the finished set and
    replace it only when the last page is in, so `kg build` never sees half a search; ``restart``
    drops the unfinished run only.
    """
    if not (condition or intervention):
        raise UsageError("give --condition, --intervention or both")
    if not 1 <= page_size <= 1000:
        raise UsageError(f"--page-size must be 1 to 1000, got {page_size}")
    if max_pages is not None and max_pages < 1:
        raise UsageError(f"--max-pages must be at least 1, got {max_pages}")
    base = base_url or os.environ.get(URL_ENV) or DEFAULT_URL
    from kg.loaders.clinicaltrials import INPUT

    directory = data_dir / INPUT
    params = {"format": "json", "pageSize": str(page_size)}
    if condition:
        params["query.cond"] = condition
    if intervention:
        params["query.intr"] = intervention
    stem = query_name(condition, intervention)
    partial = directory / f".{stem}.partial"
    state_path = partial / f"{stem}.state"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if restart:
            shutil.rmtree(partial, ignore_errors=True)
        state = _read_state(state_path)
        if state is not None and state["params"] != params:
            raise UsageError(f"{state_path} records a different page size ({state['params']['pageSize']}); "
                             "rerun with the same options, or with --restart to drop the unfinished run")
        if state is None:
            partial.mkdir(exist_ok=True)
            state = {"params": params, "pages": 0, "next_page_token": None, "complete": False, "tokens": []}
        fetched = studies = 0
        while not state["complete"] and (max_pages is None or fetched < max_pages):
            if fetched:
                sleep(delay)
            query = dict(params)
            if state["next_page_token"]:
                query["pageToken"] = state["next_page_token"]
            url = page_url(base, query)
            progress(f"page {state['pages'] + 1} ({studies:,} studies so far in this run)")
            body = get(url, retries=retries, backoff=backoff, sleep=sleep)
            try:
                page = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError) as exc:
                raise FetchError(f"ClinicalTrials.gov sent something that is not JSON for {url}: {exc}") from None
            if not isinstance(page, dict) or not isinstance(page.get("studies"), list):
                raise FetchError(f"ClinicalTrials.gov sent JSON without a 'studies' list for {url}")
            token = page.get("nextPageToken") or None
            if token is not None and (not isinstance(token, str) or token in state["tokens"]):
                raise FetchError(f"ClinicalTrials.gov repeated the page token {token!r} at page {state['pages'] + 1} "
                                 f"of {url}: stopping instead of fetching the same pages again")
            number = state["pages"] + 1
            _write_atomic(partial / f"{stem}-page-{number:04d}.json", body)  # exactly as received
            state = {**state, "pages": number, "next_page_token": token, "complete": token is None,
                     "tokens": [*state["tokens"], *([token] if token else [])]}
            _write_atomic(state_path, json.dumps(state, indent=2).encode("utf-8"))
            fetched += 1
            studies += len(page["studies"])
        if state["complete"]:
            _swap_in(partial, directory, stem)
            state_path = directory / f"{stem}.state"
    except OSError as exc:
        raise FetchError(f"cannot write the fetched pages under {directory}: {exc.strerror or exc}") from None
    return FetchReport(directory, fetched, studies, state["pages"], state["complete"], state_path)

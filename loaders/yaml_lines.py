"""YAML reading that remembers line numbers, so errors can name the line of a bad record."""

from __future__ import annotations

from typing import Any

import yaml

from kg.errors import DataError

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that knows the line it started on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


MAX_VALUES = 2_000_000  # values a file may stand for once its aliases (*name) are expanded


class _LineLoader(_Base):  # type: ignore[misc,valid-type]
    pass


def expanded_size(data: Any, limit: int = MAX_VALUES) -> int:
    """How many values ``data`` holds with every alias expanded, counted without expanding (shared
    lists and mappings are sized once); stops counting past ``limit``."""
    sizes: dict[int, int] = {}

    def size(value: Any) -> int:
        if not isinstance(value, (list, dict)):
            return 1
        known = sizes.get(id(value))
        if known is not None:
            return known
        items = list(value.values()) if isinstance(value, dict) else value
        total = 1
        for item in items:
            total += size(item)
            if total > limit:
                break
        sizes[id(value)] = total
        return total

    return size(data)


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise DataError(f"a key must be text, not {type(key).__name__} {key!r}", line=key_node.start_mark.line + 1)
        if key in mapping:
            raise DataError(f"duplicate key '{key}' in one record", line=key_node.start_mark.line + 1,
                            field=str(key))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text ("2024-02-21", as the curated format writes them): kg.core.consistency checks that
# they exist, with the record's line, instead of YAML turning them into date objects (or failing
# with a bare ValueError on 2024-02-30).
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


def load_yaml(text: str, file: str) -> Any:
    """Parse YAML text; a syntax error becomes a DataError naming file and line."""
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except DataError as exc:
        exc.file = file
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(f"invalid YAML: {exc.problem or exc}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise DataError(f"invalid YAML: {exc}", file=file) from None
    except RecursionError:
        raise DataError("YAML nested too deeply", file=file) from None
    if expanded_size(data) > MAX_VALUES:
        raise DataError(f"its aliases (*name) stand for more than {MAX_VALUES:,} values: an alias bomb?", file=file)
    return data

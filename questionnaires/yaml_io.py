"""YAML, the canonical questionnaire file: load with line-accurate problems, dump readably."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from .model import Questionnaire
from .problems import Problem, QuestionnaireError, longest_prefix, make_problem, relocate
from .reader import join
from .validation import collect

MAX_BYTES = 5_000_000
MAX_DEPTH = 60
HEADER = "# survey_app questionnaire (see docs/questionnaire-format.md)\n"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same results, faster


def read_source(source: str | bytes | os.PathLike) -> str:
    """Return YAML text from text, bytes or a path; raises QuestionnaireError if unreadable."""
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        try:
            source = Path(source).read_bytes()
        except OSError as error:
            raise QuestionnaireError([make_problem("file_unreadable", "", detail=error.strerror or str(error))]) from None
    if isinstance(source, (bytes, bytearray)):
        return decode(bytes(source))
    if not isinstance(source, str):
        raise QuestionnaireError([make_problem("file_type", "")])
    return source


def _looks_like_path(text: str) -> bool:
    """One line naming a .yaml/.yml file (YAML text has 'key: value' pairs or several lines)."""
    if "\n" in text or len(text) > 1024:
        return False
    return os.path.isfile(text) or (text.lower().endswith((".yaml", ".yml")) and ": " not in text)


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or raise a readable problem."""
    if len(data) > MAX_BYTES:
        raise QuestionnaireError([make_problem("file_too_large", "", size=len(data), limit=MAX_BYTES)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QuestionnaireError([make_problem("file_unreadable", "", detail="UTF-8 인코딩이 아닙니다 / not UTF-8")]) from None


def parse_yaml(text: str) -> tuple[Any, dict[str, tuple[int, int]]]:
    """Return the data and a map of path -> (line, column); raises QuestionnaireError on bad YAML."""
    if len(text) > MAX_BYTES:
        raise QuestionnaireError([make_problem("file_too_large", "", size=len(text), limit=MAX_BYTES)])
    loader = None
    try:
        loader = _LOADER(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines, problems = _inspect(node)
        if problems:
            raise QuestionnaireError(problems)
        return loader.construct_document(node), lines
    except yaml.reader.ReaderError as error:
        raise QuestionnaireError([make_problem("control_char", f"(character {error.position + 1})")]) from None
    except yaml.MarkedYAMLError as error:
        raise QuestionnaireError([_syntax_problem(error)]) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        raise QuestionnaireError([make_problem("yaml_syntax", "", detail=str(error)[:200])]) from None
    except RecursionError:
        raise QuestionnaireError([make_problem("too_deep", "")]) from None
    finally:
        if loader is not None:
            loader.dispose()


def _syntax_problem(error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    detail = " ".join(part for part in (error.context, error.problem) if part) or "?"
    if "but found another document" in str(error):
        problem = make_problem("yaml_multiple_documents", "")
    else:
        problem = make_problem("yaml_syntax", "", detail=detail)
    return _at_line(problem, mark.line + 1 if mark else None)


def _at_line(problem: Problem, line: int | None) -> Problem:
    if line is None:
        return problem
    where = f"{problem.path} (line {line})" if problem.path else f"line {line}"
    return replace(problem, location=where, line=line)


def _inspect(root: yaml.Node) -> tuple[dict[str, tuple[int, int]], list[Problem]]:
    """Walk the node tree: note each path's line, refuse aliases, duplicate keys and deep nesting."""
    lines: dict[str, tuple[int, int]] = {}
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str, int, int]] = [(root, "", 0, root.start_mark.line + 1)]
    while stack:
        node, path, depth, line = stack.pop()
        if id(node) in seen:  # PyYAML resolves an alias to the very node it names
            problems.append(_at_line(make_problem("yaml_alias", path), line))
            continue
        seen.add(id(node))
        lines.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if depth > MAX_DEPTH:
            problems.append(_at_line(make_problem("too_deep", path), line))
            continue
        stack.extend(reversed(_children(node, path, depth, problems)))
    return lines, problems


def _children(node: yaml.Node, path: str, depth: int, problems: list[Problem]) -> list[tuple[yaml.Node, str, int, int]]:
    if isinstance(node, yaml.SequenceNode):
        return [(child, join(path, i), depth + 1, child.start_mark.line + 1) for i, child in enumerate(node.value)]
    if not isinstance(node, yaml.MappingNode):
        return []
    children, keys = [], set()
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            children.append((key_node, join(path, "?"), depth + 1, key_line))
            continue
        if key_node.value in keys:
            problems.append(_at_line(make_problem("yaml_duplicate_key", join(path, key_node.value), key=key_node.value), key_line))
        keys.add(key_node.value)
        children.append((value_node, join(path, key_node.value), depth + 1, key_line))
    return children


def load_yaml(source: str | bytes | os.PathLike) -> Questionnaire:
    """Load and validate a questionnaire from YAML text, bytes or a file path."""
    data, lines = parse_yaml(read_source(source))
    if data is None:
        raise QuestionnaireError([make_problem("empty_file", "")])
    questionnaire, problems = collect(data)
    if problems or questionnaire is None:
        raise QuestionnaireError(locate_in_yaml(problems, lines) or [make_problem("not_mapping", "")])
    return questionnaire


def locate_in_yaml(problems: list[Problem], lines: dict[str, tuple[int, int]]) -> list[Problem]:
    """Add line numbers to problems found in YAML data."""
    def locate(path: str) -> dict[str, Any]:
        found = longest_prefix(path, lines)
        if found is None:
            return {}
        where = f"{path} (line {found[0]})" if path else f"line {found[0]}"
        return {"location": where, "line": found[0]}
    return sorted(relocate(problems, locate), key=lambda p: p.line or 0)


class _Flow(dict):
    """A mapping written on one line: {ko: ..., en: ...}."""


class _Dumper(yaml.SafeDumper):
    """Safe dumper that indents lists under their key and writes short mappings inline."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(str, _represent_str)

# Keys whose mapping values are written inline when they hold no multi-line text.
_INLINE_KEYS = {"title", "text", "help", "label", "unit", "name", "description", "closing", "scoring", "weights", "na"}


def _present(value: Any, key: str = "") -> Any:
    """Mark small mappings for inline output, recursively."""
    if isinstance(value, list):
        inline_items = key in ("choices", "labels") or _is_choice_list(value)
        return [_Flow(_present_map(v)) if inline_items and _small(v) else _present(v) for v in value]
    if isinstance(value, dict):
        mapped = _present_map(value)
        return _Flow(mapped) if key in _INLINE_KEYS and _small(value) else mapped
    return value


def _present_map(value: Any) -> Any:
    if not isinstance(value, dict):
        return _present(value)
    return {k: _present(v, k) for k, v in value.items()}


def _is_choice_list(items: list) -> bool:
    return bool(items) and all(isinstance(i, dict) and "value" in i and "label" in i for i in items)


_INLINE_WIDTH = 90


def _small(value: Any) -> bool:
    """Short enough for one line: no lists inside, no multi-line text, about 90 characters at most."""
    return _width(value) <= _INLINE_WIDTH


def _width(value: Any) -> float:
    if isinstance(value, list) or not _single_line(value):
        return float("inf")
    if isinstance(value, dict):
        return sum(len(str(k)) + 2 + _width(v) for k, v in value.items())
    return len(str(value))


def _single_line(value: Any) -> bool:
    if isinstance(value, str):
        return "\n" not in value
    if isinstance(value, dict):
        return all(_single_line(v) for v in value.values())
    if isinstance(value, list):
        return all(_single_line(v) for v in value)
    return True


def dump_yaml(questionnaire: Questionnaire) -> str:
    """Return the questionnaire as readable YAML (Korean kept as is, defaults left out)."""
    body = yaml.dump(_present(questionnaire.to_dict()), Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=4096, default_flow_style=False)
    return HEADER + body

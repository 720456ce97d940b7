"""Reading docker-compose.yml the way Compose does, for the tests (`docker compose config` is not
installed here): YAML with merge keys, then `${VAR}` interpolation from an environment.

Interpolation follows the Compose specification: `${VAR}`, `${VAR:-default}` (unset or empty),
`${VAR-default}` (unset), `${VAR:?message}` / `${VAR?message}` (refuse), and `$$` for a literal
dollar sign.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from crm_pipelines.settings import PROJECT_ROOT

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
REFERENCE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


class MissingVariable(ValueError):
    pass


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    """The file as YAML, anchors and `<<` merges resolved, nothing interpolated."""
    return yaml.safe_load(path.read_text())


def references(value: str) -> list[tuple[str, str | None]]:
    """The variables a string refers to, with their operator (None, ':-', '-', ':?', '?')."""
    return [(m.group("name"), m.group("op")) for m in REFERENCE.finditer(value) if m.group("name")]


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Every string of `value` (recursively) with its references replaced from `env`."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        current = env.get(name)
        unset_or_empty = current is None or (current == "" and op is not None and op.startswith(":"))
        if op in (":-", "-"):
            return arg if unset_or_empty else current
        if op in (":?", "?"):
            if unset_or_empty:
                raise MissingVariable(f"required variable {name} is missing a value: {arg}")
            return current
        return current or ""

    return REFERENCE.sub(replace, value)


def strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    """(where, text) of every string in a parsed YAML document, keys' paths joined with '.'."""
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in strings(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in strings(v, f"{path}[{i}]")]
    return [(path, value)] if isinstance(value, str) else []


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an .env file (comments and blank lines skipped)."""
    env: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env

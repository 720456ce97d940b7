"""How a secret setting (POSTGRES_DSN, REDIS_URL) reaches a resource without reaching the UI.

The value is the validated setting itself, a `Secret`: a str whose repr names the variable it came
from instead of showing it. Resources take it in a `dg.ResourceDependency` field: Dagster keeps
such a field out of the resource's config schema and configured values (the UI and the run's
config never see it) and shows it in the UI by its class name only. Runs rebuild the resources
from their own process's settings when they load the code location, so nothing carries the
value between processes.
"""

from __future__ import annotations


class Secret(str):
    """A secret setting's value: use it as the string it is; printing its repr shows only its name."""

    name: str

    def __new__(cls, value: str, name: str = "secret") -> Secret:
        secret = super().__new__(cls, value)
        secret.name = name
        return secret

    def __repr__(self) -> str:
        return f"Secret({self.name})"

    def __reduce__(self):
        return (Secret, (str(self), self.name))

"""Which schema holds what: the CRM's tables (CRM_SCHEMA) and ours (CRM_PIPELINES_SCHEMA).

Every connection the project opens gets the fixed search_path `<ours>, <crm>`: statements name
tables without a schema, our tables resolve in our schema first (so our `seller_metrics` is
never the CRM's table of the same name), the CRM's tables in the CRM's schema, and nothing
depends on the database's or the role's default search_path.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Schemas:
    crm: str = "public"
    pipelines: str = "crm_pipelines"

    @property
    def search_path(self) -> str:
        # Both names are validated identifiers (settings._schema_name): safe to write unquoted.
        return f"{self.pipelines}, {self.crm}"

    @property
    def connect_options(self) -> str:
        """libpq `options`: the search_path is set as the session starts, before any statement."""
        return f"-c search_path={self.pipelines},{self.crm}"

    @classmethod
    def from_settings(cls, settings) -> "Schemas":
        return cls(crm=settings.crm_schema, pipelines=settings.crm_pipelines_schema)


DEFAULT_SCHEMAS = Schemas()

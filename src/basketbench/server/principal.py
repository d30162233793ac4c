"""Who a request acts as: a name and roles (from a token, or the open sandbox's own)."""

from __future__ import annotations

from dataclasses import dataclass

ADMIN_ROLES = frozenset({"admin", "administrator", "fulladministrator"})


@dataclass(frozen=True)
class Principal:
    name: str
    roles: frozenset[str] = frozenset()

    def has_role(self, role: str) -> bool:
        lowered = {r.lower() for r in self.roles}
        return role.lower() in lowered or bool(lowered & ADMIN_ROLES)

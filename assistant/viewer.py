"""Who is asking: the Viewer travels with every query and decides which rows it may see."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    LEADER = "leader"
    ANALYST = "analyst"
    CSM = "csm"


@dataclass(frozen=True)
class Viewer:
    """A leader or analyst sees every account; a CSM sees only the accounts they own."""

    role: Role
    csm_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))
        if self.role is Role.CSM and not (isinstance(self.csm_id, str) and self.csm_id.strip()):
            raise ValueError("a CSM viewer needs a csm_id")
        if self.role is not Role.CSM and self.csm_id is not None:
            raise ValueError(f"a {self.role} viewer has no csm_id")

    @classmethod
    def leader(cls) -> Viewer:
        return cls(Role.LEADER)

    @classmethod
    def analyst(cls) -> Viewer:
        return cls(Role.ANALYST)

    @classmethod
    def csm(cls, csm_id: str) -> Viewer:
        return cls(Role.CSM, csm_id)

    @property
    def sees_all_accounts(self) -> bool:
        return self.role is not Role.CSM

    def describe(self) -> str:
        """Whose data an answer covers, for the answer's text."""
        return f"CSM {self.csm_id}'s book of accounts" if self.role is Role.CSM else "all accounts"

"""The permission matrix: every URL, every persona, the expected outcome.

Each app lists its URLs in `apps/<app>/tests/permissions.py` as `CASES: list[Case]`.
`tests/test_permission_matrix.py` runs every case for every persona and fails when a URL pattern in
the project has no case, so a new page cannot ship without saying who may open it.

A persona in `allowed` must get a success (2xx, or a redirect that is not to the sign-in page);
every other signed-in persona must get 403 or 404; anonymous visitors are sent to sign in (or get
401/403 from the API). A refused request must leave the chronology and every non-audit row as it
was, and must be recorded in the audit log as denied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Persona groups (names from the root conftest). Keep these in step with apps.accounts.models.
ANONYMOUS = frozenset({"anonymous"})
DSL_TEAM = frozenset({"dsl", "deputy_dsl"})
SENIOR = frozenset({"headteacher", "senior_leader"})
PASTORAL_TEAM = DSL_TEAM | SENIOR | frozenset({"pastoral_lead", "pastoral", "head_of_year", "senco"})
WHOLE_SCHOOL = (PASTORAL_TEAM - {"head_of_year"}) | frozenset({"attendance_officer", "admin"})
# Everyone with a role in the main school except aggregate-only roles.
STAFF = WHOLE_SCHOOL | frozenset({"head_of_year", "form_tutor", "teacher", "other_teacher"})
# Signed-in staff of any school (the other school's DSL uses pages about their own school).
ANY_STAFF = STAFF | frozenset({"other_school_dsl"})
SIGNED_IN = ANY_STAFF | frozenset({"governor", "trust_officer"})
# Who may see the persona pupil (Year 9, 9A, taught by `teacher`).
SEES_PUPIL = WHOLE_SCHOOL | frozenset({"head_of_year", "form_tutor", "teacher"})
PASTORAL_SEES_PUPIL = PASTORAL_TEAM


@dataclass(frozen=True)
class Case:
    url_name: str
    allowed: frozenset[str]
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    method: str = "GET"
    data: Callable[[Any], dict[str, Any]] | None = None
    query: str = ""
    htmx: bool = False
    note: str = ""
    # True for the sign-out URL, whose success is a redirect to the sign-in page.
    signs_out: bool = False
    # Statuses that count as success for an allowed persona.
    ok: frozenset[int] = field(default_factory=lambda: frozenset({200, 201, 204, 302}))

    @property
    def id(self) -> str:
        suffix = f"[{self.note}]" if self.note else ""
        return f"{self.method} {self.url_name}{suffix}"


# URL names that need no case: Django's own admin (staff-only, tested by Django) and pages that
# must be public by their nature are listed with their reason.
EXEMPT_PREFIXES = ("admin:",)

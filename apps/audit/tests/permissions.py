from tests.permissions import DSL_TEAM, Case

AUDIT_READERS = DSL_TEAM | frozenset({"admin", "headteacher"})

# The other school's DSL reads their own school's log.
CASES = [
    Case("audit:index", AUDIT_READERS | {"other_school_dsl"}, note="own school"),
    Case(
        "audit:index",
        AUDIT_READERS | {"other_school_dsl"},
        query="verb=view&start=01/09/2024&user=teacher",
        note="filtered",
    ),
    Case("audit:pupil_access", AUDIT_READERS, kwargs=lambda p: {"pupil_id": p.pupil.pk}),
]

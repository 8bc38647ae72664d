import datetime as dt

from tests.permissions import ANONYMOUS, ANY_STAFF, SIGNED_IN, Case

ADMIN = frozenset({"admin"})


def _term(p):
    return {
        "term_id": p.school.academic_years.get(start_date=dt.date(2025, 9, 1)).terms.get(season="spring", half=1).pk
    }


def _closure(p):
    return {"closure_id": p.school.closures.order_by("start_date").first().pk}


CASES = [
    Case("home", SIGNED_IN),
    Case("healthz", SIGNED_IN | ANONYMOUS),
    Case("core:home", SIGNED_IN),
    Case("api-schema", SIGNED_IN | ANONYMOUS, note="the schema documents endpoints, not data"),
    Case("api-docs", SIGNED_IN),
    Case("api-root", SIGNED_IN),
    Case("core:calendar", ANY_STAFF, note="own school"),
    Case("core:add_year", ADMIN),
    Case("core:add_year", ADMIN, method="POST", data=lambda p: {"start_year": 2030}, note="save"),
    Case("core:edit_term", ADMIN, kwargs=_term),
    Case(
        "core:edit_term",
        ADMIN,
        kwargs=_term,
        method="POST",
        data=lambda p: {"start_date": "05/01/2026", "end_date": "13/02/2026"},
        note="save",
    ),
    Case("core:add_closure", ADMIN),
    Case(
        "core:add_closure",
        ADMIN,
        method="POST",
        data=lambda p: {"kind": "inset", "start_date": "02/03/2026", "sessions": "both", "reason": "Training"},
        note="save",
    ),
    Case("core:remove_closure", ADMIN, kwargs=_closure, method="POST"),
]

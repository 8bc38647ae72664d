from tests.permissions import ANY_STAFF, SEES_PUPIL, Case

CASES = [
    Case("people:list", ANY_STAFF),
    Case("people:search", ANY_STAFF, query="q=Amelia"),
    Case("people:search", ANY_STAFF, query="q=Amelia", htmx=True, note="htmx"),
    Case("people:profile", SEES_PUPIL, kwargs=lambda p: {"pupil_id": p.pupil.pk}),
]

"""`manage.py seed_demo`: staff in every role, valid identifiers, siblings, and the same school for
the same seed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from apps.accounts.models import Membership, Role, User
from apps.people.identifiers import is_valid_uln, is_valid_upn
from apps.people.models import Pupil, PupilCarer


class _Rollback(Exception):
    pass


def _snapshot() -> tuple[list[tuple[str, str, str, str]], list[str]]:
    pupils = list(
        Pupil.objects.order_by("upn").values_list("upn", "legal_forename", "legal_surname", "preferred_forename")
    )
    return pupils, list(User.objects.order_by("username").values_list("username", flat=True))


def _seed(seed: int) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    try:
        with transaction.atomic():
            call_command("seed_demo", pupils=30, years=1, seed=seed, stdout=StringIO())
            result = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return result


@pytest.mark.django_db
def test_the_demo_school_is_realistic():
    call_command("seed_demo", pupils=30, years=1, seed=11, stdout=StringIO())
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values), f"no demo user for {set(Role.values) - held}"
    pupils = list(Pupil.objects.all())
    assert len(pupils) >= 30
    assert all(is_valid_upn(p.upn) for p in pupils)
    assert all(is_valid_uln(p.uln) for p in pupils if p.uln)
    # Siblings: some carers are linked to more than one pupil.
    carers = PupilCarer.objects.values_list("carer_id", flat=True)
    assert len(carers) > len(set(carers))
    # One trust officer across both schools, so the school switcher has something to switch.
    trust = User.objects.get(username="trust")
    assert Membership.objects.filter(user=trust).values("school").distinct().count() == 2


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_school():
    first = _seed(5)
    assert first == _seed(5)
    assert first != _seed(6)

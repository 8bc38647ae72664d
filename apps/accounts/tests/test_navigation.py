"""The main menu: entries come from each app's nav.py, filtered by role, grouped by module."""

from __future__ import annotations

from apps.accounts import navigation
from apps.accounts.models import Role


def test_every_entry_names_its_module_and_reverses():
    for item in navigation.all_items():
        assert item.section, item
    entries = navigation.items_for(frozenset(Role.values))
    assert entries and all(entry["url"].startswith("/") for entry in entries)


def test_a_teacher_sees_only_entries_for_their_roles():
    teacher = {e["name"] for e in navigation.items_for(frozenset({Role.TEACHER}))}
    dsl = {e["name"] for e in navigation.items_for(frozenset({Role.DSL}))}
    assert "people:list" in teacher
    assert "safeguarding:queue" in dsl and "safeguarding:queue" not in teacher
    assert "audit:index" not in teacher


def test_the_menu_groups_a_module_and_marks_the_current_group():
    entries = navigation.items_for(frozenset({Role.DSL}))
    queue_url = next(e["url"] for e in entries if e["name"] == "safeguarding:queue")
    groups = navigation.menu_for(frozenset({Role.DSL}), queue_url)

    labels = [g["label"] for g in groups]
    assert len(labels) == len(set(labels)), "one group per module"
    assert sum(len(g["items"]) for g in groups) == len(entries), "no entry lost or repeated"
    (current,) = [g for g in groups if g["current"]]
    assert current["label"] == "Safeguarding"
    assert any(e["name"] == "safeguarding:queue" for e in current["items"])
    # Order follows each module's first entry: Pupils (order 10) comes before the modules.
    assert groups[0]["items"][0]["name"] == "people:list"

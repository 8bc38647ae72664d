"""Every school gets the default plan types, and each existing plan is linked to the type of its
kind, so nothing changes for a plan that was opened before types were configurable."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (base, name, description): the fixed kinds as they stood. Kept here, not imported, so the
# migration keeps working when the list in the code changes.
DEFAULTS = [
    ("pastoral_support", "Pastoral support plan", "Support for wellbeing, relationships and engagement."),
    ("individual_learning", "Individual learning plan", "Targets for learning, with the strategies in lessons."),
    ("sen_support", "SEN support plan", "Assess, plan, do, review for a pupil on SEN support."),
    ("attendance", "Attendance support plan", "Barriers to attendance and the support agreed with the family."),
    ("behaviour", "Behaviour support plan", "Strategies and targets for behaviour."),
    (
        "psp",
        "Pastoral Support Programme (PSP)",
        "For a pupil at risk of exclusion; links to the behaviour module's PSP.",
    ),
    ("reintegration", "Reintegration plan", "Return after a suspension, long absence or off-site provision."),
    ("early_help", "Early Help plan (school's part)", "Safeguarding: seen by the DSL team and the keyworker only."),
    ("cin", "Child in Need plan (school's contribution)", "Safeguarding: seen by the DSL team and the keyworker only."),
    (
        "cp_contribution",
        "Child protection plan (school's contribution)",
        "Safeguarding: seen by the DSL team and the keyworker only.",
    ),
]


def forwards(apps: Any, schema_editor: Any) -> None:
    School = apps.get_model("core", "School")
    PlanType = apps.get_model("support", "PlanType")
    SupportPlan = apps.get_model("support", "SupportPlan")
    for school in School.objects.all():
        made = {}
        for order, (base, name, description) in enumerate(DEFAULTS, start=1):
            made[base], _ = PlanType.objects.get_or_create(
                school=school, name=name, defaults={"base": base, "description": description, "order": order * 10}
            )
        for base, plan_type in made.items():
            SupportPlan.objects.filter(school=school, kind=base, plan_type__isnull=True).update(plan_type=plan_type)


class Migration(migrations.Migration):
    dependencies = [("support", "0004_plan_types_attainment")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

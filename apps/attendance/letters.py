"""Letters to parents at each ladder stage (domain §1.5) from per-school editable templates.

A template is plain text with a small, documented set of placeholders in braces, for example
`{pupil_name}`. Filling a template is a plain text substitution of those names only: user text is
never rendered as a Django template, and a template naming any other placeholder is refused when
it is saved, with the unknown names in the message. A brace that does not enclose a name (such as
a lone `{`) is left as written.

The default wording follows the 2024 guidance's support-first approach (Working together to
improve school attendance, August 2024: expect, monitor, listen and understand, facilitate
support, formalise support, enforce): it names the concern plainly, offers help before any legal
step, and says who to contact. Schools edit it on the letter templates page; each letter can be
edited again before its PDF is made.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

#: The placeholders a template may use, with what each is replaced by.
PLACEHOLDERS: dict[str, str] = {
    "pupil_name": "the pupil's full name (preferred names)",
    "pupil_forename": "the pupil's preferred forename",
    "carer_name": "the full name of the carer the letter is to",
    "attendance_percent": "attendance this school year to date, e.g. 87.4%",
    "absence_percent": "overall absence this school year to date, e.g. 12.6%",
    "possible_sessions": "possible sessions this school year to date",
    "authorised_sessions": "sessions of authorised absence this school year",
    "unauthorised_sessions": "sessions of unauthorised absence this school year",
    "year_group": "the pupil's year group, e.g. Year 9",
    "form": "the pupil's form, e.g. 9A",
    "date": "the date of the letter, d/m/Y",
    "school_name": "the school's name",
}

_NAME = re.compile(r"\{([^{}\s]*)\}")

DEFAULTS: dict[str, str] = {
    "meeting": (
        "Dear {carer_name},\n\n"
        "We are writing about {pupil_name}'s attendance. This school year {pupil_forename} has attended "
        "{attendance_percent} of sessions. Every day in school matters, and we know that when attendance "
        "slips there is often a reason that is hard to talk about.\n\n"
        "We would like to meet you to listen, to understand what is making it hard for {pupil_forename} "
        "to attend, and to agree together how we can help. Please contact the attendance office to "
        "arrange a time that suits you."
    ),
    "support_plan": (
        "Dear {carer_name},\n\n"
        "Thank you for meeting us about {pupil_name}'s attendance ({attendance_percent} this school year). "
        "This letter confirms the support we agreed together and who will provide it. We will review how "
        "it is going with you on the date we set, and you can contact us at any time before then if "
        "something changes."
    ),
    "contract": (
        "Dear {carer_name},\n\n"
        "{pupil_name}'s attendance this school year is {attendance_percent}. The support in place has not "
        "yet made the difference we all hoped for, so we would like to agree an attendance contract with "
        "you. It is a written, voluntary agreement (not legally binding) setting out what the school, you "
        "and other services will each do to help {pupil_forename} attend.\n\n"
        "Please contact the attendance office to arrange a meeting."
    ),
    "early_help": (
        "Dear {carer_name},\n\n"
        "We would like to offer your family an Early Help assessment. It brings together, with one lead "
        "worker, the support that could help {pupil_forename} attend school regularly (attendance this "
        "school year: {attendance_percent}). Taking part is your choice, and we will explain everything "
        "before anything is agreed."
    ),
    "notice_to_improve": (
        "Dear {carer_name},\n\n"
        "This is a Notice to Improve about {pupil_name}'s attendance. This school year {pupil_forename} has "
        "had {unauthorised_sessions} sessions of unauthorised absence and attendance is {attendance_percent}.\n\n"
        "We want to keep working with you, and the support we have offered remains open. If attendance does "
        "not improve, the next step may be a penalty notice. Please contact the attendance office so that "
        "we can agree what will help."
    ),
    "penalty_notice": (
        "Dear {carer_name},\n\n"
        "A penalty notice has been issued because {pupil_name} has missed school without authorisation "
        "({unauthorised_sessions} sessions this school year). The enclosed notice explains the amount and "
        "how to pay it. Our support for {pupil_forename} continues, and we would still like to work with "
        "you to improve attendance."
    ),
    "eso": (
        "Dear {carer_name},\n\n"
        "The local authority is applying for an Education Supervision Order for {pupil_name}, whose "
        "attendance this school year is {attendance_percent}. An order appoints a supervising officer to "
        "advise and help you and {pupil_forename} so that attendance improves."
    ),
    "prosecution": (
        "Dear {carer_name},\n\n"
        "The local authority is considering prosecution under section 444 of the Education Act 1996 because "
        "of {pupil_name}'s absence from school ({attendance_percent} attendance this school year, "
        "{unauthorised_sessions} sessions unauthorised). You may wish to seek independent advice."
    ),
}

SIGN_OFF = "\n\nYours sincerely,\n\nAttendance office, {school_name}"


def default_text(stage: str) -> str:
    """The starting wording for a stage (before the school edits it)."""
    return DEFAULTS.get(stage, "Dear {carer_name},\n\n") + SIGN_OFF


def unknown_placeholders(text: str) -> list[str]:
    """Names in braces that are not placeholders, in order of first use."""
    found: list[str] = []
    for name in _NAME.findall(text):
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def check_template(text: str) -> None:
    """Refuse an empty template or one naming a placeholder we do not fill."""
    if not text.strip():
        raise ValidationError("The template is empty.")
    unknown = unknown_placeholders(text)
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        allowed = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
        raise ValidationError(
            f"These placeholders are not recognised: {names}. Use only: {allowed}.",
            code="unknown_placeholder",
        )


def fill(text: str, values: dict[str, Any]) -> str:
    """Replace each known placeholder by its value; anything else in braces is left as written.
    One pass, so a value containing braces is never substituted again."""

    def swap(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(values[name]) if name in PLACEHOLDERS and name in values else match.group(0)

    return _NAME.sub(swap, text)


def letter_values(*, pupil: Any, carer_name: str, summary: Any, school_name: str, on: Any) -> dict[str, str]:
    """The placeholder values for one letter (attendance figures rounded only here, §1.3)."""
    from .statutory import display_pct

    return {
        "pupil_name": pupil.full_name,
        "pupil_forename": pupil.forename,
        "carer_name": carer_name,
        "attendance_percent": display_pct(summary.attendance_pct) + "%",
        "absence_percent": display_pct(summary.absence_pct) + "%",
        "possible_sessions": str(summary.possible_sessions),
        "authorised_sessions": str(summary.authorised_absence),
        "unauthorised_sessions": str(summary.unauthorised_absence),
        "year_group": str(pupil.year_group),
        "form": pupil.form.name if pupil.form_id else "",
        "date": f"{on:%d/%m/%Y}",
        "school_name": school_name,
    }

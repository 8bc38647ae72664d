"""Default texts of the letters to parents at each ladder stage (domain §1.5). The attendance office
edits the text of each letter before producing it; the wording here is only the starting point."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, str] = {
    "meeting": (
        "Dear {carer},\n\n{pupil}'s attendance this school year is {attendance}. We would like to meet you to "
        "understand what is making it hard for {forename} to attend and to agree how we can help.\n\n"
        "Please contact the attendance office to arrange a time."
    ),
    "support_plan": (
        "Dear {carer},\n\nThank you for meeting us about {pupil}'s attendance ({attendance} this year). This letter "
        "confirms the support we agreed. We will review it with you on the date we set."
    ),
    "contract": (
        "Dear {carer},\n\nAs {pupil}'s attendance is {attendance} this year and the support so far has not improved "
        "it, we would like to agree an attendance contract with you: a written agreement, not legally binding, of "
        "what the school, you and other services will do."
    ),
    "early_help": (
        "Dear {carer},\n\nWe would like to offer your family an Early Help assessment to bring together the support "
        "that could help {forename} attend school regularly (attendance this year: {attendance})."
    ),
    "notice_to_improve": (
        "Dear {carer},\n\nThis is a Notice to Improve. {pupil} has had {unauthorised} sessions of unauthorised "
        "absence this year and attendance is {attendance}. This is a final chance to engage with the support "
        "offered before a penalty notice is considered."
    ),
    "penalty_notice": (
        "Dear {carer},\n\nA penalty notice has been issued because {pupil} has missed school without authorisation "
        "({unauthorised} sessions this year). The enclosed notice explains the amount and how to pay it."
    ),
    "eso": (
        "Dear {carer},\n\nThe local authority is applying for an Education Supervision Order for {pupil}, whose "
        "attendance this year is {attendance}."
    ),
    "prosecution": (
        "Dear {carer},\n\nThe local authority is considering prosecution under section 444 of the Education Act "
        "1996 because of {pupil}'s absence from school ({attendance} attendance this year)."
    ),
}


def default_body(stage: str, **values: Any) -> str:
    return DEFAULTS.get(stage, "Dear {carer},\n\n").format(**values) + "\n\nYours sincerely,\n\nAttendance office"

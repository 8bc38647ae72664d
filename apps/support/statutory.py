"""Pure rules for support work. Each function cites the domain file
(`shared/domain/england-standards.md`) and the source it names.

Most of support is good practice rather than statute: reintegration meetings and Pastoral Support
Programmes are not statutory (§2.6, §2.9), so their numbers here are defaults a school may change.
The statutory parts are the attendance codes for off-site provision (§1.2, §2.5, §2.8) and the
rule that a reduced timetable is a part-time timetable (§1.8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

#: Default weeks between reviews of a plan. A PSP is reviewed "about every 6 weeks"
#: (domain §2.9 [S]: DWP PSP template; docsbay PSP guidelines).
DEFAULT_REVIEW_WEEKS = 6
#: Typical PSP length, 16 weeks (domain §2.9 [S]: Gloucestershire, Surrey). Local, not statute.
PSP_WEEKS = 16
#: Weeks before joining an intervention used as the "before" window of an impact measure.
IMPACT_BASELINE_WEEKS = 6


def next_review_date(from_day: dt.date, interval_weeks: int) -> dt.date:
    """The date of the next review: `interval_weeks` after `from_day` (Assess–Plan–Do–Review,
    domain §2.9 and §6). If it falls at a weekend, the following Monday."""
    if interval_weeks < 1:
        raise ValueError("A review interval is at least one week.")
    day = from_day + dt.timedelta(weeks=interval_weeks)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def review_is_overdue(next_review_on: dt.date | None, today: dt.date) -> bool:
    """A review is overdue the day after its date."""
    return next_review_on is not None and next_review_on < today


def review_is_due_soon(next_review_on: dt.date | None, today: dt.date, *, within_days: int = 14) -> bool:
    return next_review_on is not None and today <= next_review_on <= today + dt.timedelta(days=within_days)


def placement_code(provider_kind: str) -> str:
    """The register code for a session a pupil spends at off-site provision.

    Domain §2.8 "Alternative provision" [S] (in-toto-ed, KCSIE 2025) and §2.5 "Register coding"
    [S] (Phillimore): use `B`, `D` or `K` as appropriate; §1.2 (reg 10 Table 2, SI 2024/208):
    `K` is provision arranged by the local authority, `D` is dual registration at another school
    (not a possible session here), `B` is any other approved educational activity supervised by
    someone the school considers suitable."""
    codes = {"approved": "B", "dual": "D", "la": "K"}
    try:
        return codes[provider_kind]
    except KeyError:
        raise ValueError(f"Unknown kind of provider: {provider_kind}") from None


#: Code for a session a provider reports the pupil missed: reason not yet established (§1.2, `N`).
#: `N` is temporary and must be replaced once the attendance office knows the reason.
PROVIDER_ABSENCE_CODE = "N"


def placement_needs_safeguarding_confirmation(confirmed_on: dt.date | None) -> bool:
    """Schools must get written confirmation from an AP provider that safeguarding checks have
    been done (domain §2.8 [S]: in-toto-ed citing KCSIE). True while it is missing."""
    return confirmed_on is None


def placement_sessions(
    weekdays: Iterable[int], sessions: Iterable[str], school_sessions: Iterable[tuple[dt.date, str]]
) -> list[tuple[dt.date, str]]:
    """The school sessions on which a placement runs: its weekdays and its sessions."""
    days = set(weekdays)
    wanted = set(sessions)
    return [(day, s) for day, s in school_sessions if day.weekday() in days and s in wanted]


def phase_is_part_time(reduces_hours: bool) -> bool:
    """A reintegration phase with fewer hours than the full school day is a part-time timetable
    (domain §1.8 [C]: attendance guidance 2024; reg 11(6)): it needs the parent's agreement, a
    time limit and regular review, and the missed sessions are coded `C2`. It must not be used
    to manage behaviour."""
    return reduces_hours


# Impact -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date


def impact_windows(joined_on: dt.date, until: dt.date, *, weeks: int = IMPACT_BASELINE_WEEKS) -> tuple[Window, Window]:
    """The "before" window (`weeks` weeks up to the day before joining) and the "during" window
    (joining day to `until`, the leaving day or today)."""
    before = Window(joined_on - dt.timedelta(weeks=weeks), joined_on - dt.timedelta(days=1))
    during = Window(joined_on, max(joined_on, until))
    return before, during


def percentage(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return Decimal(100 * part) / Decimal(whole)


def change(before: Decimal | int | None, after: Decimal | int | None) -> Decimal | None:
    if before is None or after is None:
        return None
    return Decimal(after) - Decimal(before)


def pupil_improved(
    attendance_before: Decimal | None,
    attendance_after: Decimal | None,
    negative_before: int | None,
    negative_after: int | None,
) -> bool:
    """A pupil was helped when attendance rose or negative behaviour points fell, and neither got
    worse. With no figures either way, not counted as helped."""
    att = change(attendance_before, attendance_after)
    neg = change(negative_before, negative_after)
    if att is None and neg is None:
        return False
    worse = (att is not None and att < 0) or (neg is not None and neg > 0)
    better = (att is not None and att > 0) or (neg is not None and neg < 0)
    return better and not worse


def cost_per_pupil_helped(cost_per_pupil: Decimal, members: int, helped: int) -> Decimal | None:
    """Total cost (cost per pupil × members) divided by the number helped; None when none was."""
    if not helped:
        return None
    return (cost_per_pupil * members / helped).quantize(Decimal("0.01"))


def mean_rating(ratings: Iterable[int]) -> Decimal | None:
    values = list(ratings)
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"))


#: How long a questionnaire link stays valid. Local choice, not statute.
QUESTIONNAIRE_LINK_DAYS = 7
RATING_MIN, RATING_MAX = 1, 5
#: Results by year group show a group only when this many pupils or more answered, so no pupil's
#: answers can be picked out (anonymised whole-school surveys). Local choice, not statute, after
#: the usual practice of suppressing small numbers in published figures.
MIN_GROUP_SHOWN = 5


def group_shown(responses: int) -> bool:
    """Whether a group's aggregated results may be shown (`MIN_GROUP_SHOWN` or more responses)."""
    return responses >= MIN_GROUP_SHOWN


def questionnaire_score(ratings: Iterable[int | None]) -> int:
    """A response's score: the sum of its ratings (free-text answers add nothing)."""
    return sum(r for r in ratings if r is not None)

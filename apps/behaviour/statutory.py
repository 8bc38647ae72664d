"""Suspension and permanent exclusion rules as pure functions.

Source: the domain file `england-standards.md` §2, which summarises the DfE statutory guidance
*Suspension and permanent exclusion from maintained schools, academies and pupil referral units in
England, including pupil movement* (September 2023, technical update August 2024), with the local
authority and SENDIASS pages it names. Nothing here touches the database: school days come from a
`apps.core.calendar.SchoolCalendar` passed in.

Units: a suspension is measured in *sessions* (1 school day = 2 sessions, domain §2.7); a
lunchtime suspension counts as half a day (§2.1), stored as 1 session. So days = sessions / 2 for
both FIXD and LNCH, and "more than 10 lunchtimes" is the same as "more than 5 days".

"Term" in §2.2/§2.3 is read as the statutory term (autumn, spring, summer), i.e. both half-terms of
one season of one school year; see `docs/behaviour.md` for this reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from apps.core.calendar import SchoolCalendar, Session

FIXED = "FIXD"
LUNCH = "LNCH"
PERMANENT = "PERM"

#: §2.1 "Maximum 45 school days of suspension in a school year".
MAX_SUSPENSION_DAYS_PER_YEAR = Decimal(45)
#: §2.2/§2.3 the term thresholds, in school days.
GOVERNORS_TOLD_ABOVE_DAYS = Decimal(5)
GOVERNORS_MUST_MEET_ABOVE_DAYS = Decimal(15)
#: §2.3 deadlines for the governing board, in school days from receiving notice.
GB_MEETING_SCHOOL_DAYS = 15
GB_MEETING_IF_ASKED_SCHOOL_DAYS = 50
#: §2.4 IRP request window, school days from written notice of the board's decision.
IRP_REQUEST_SCHOOL_DAYS = 15
#: §2.5 the school must arrange education from day 6 of a suspension of more than 5 days.
PROVISION_FROM_DAY = 6


def days_from_sessions(sessions: int) -> Decimal:
    """§2.1/§2.7: 1 day = 2 sessions; a lunchtime (1 session) = 0.5 day."""
    return Decimal(sessions) / 2


# Annual cap -------------------------------------------------------------------------------------


def annual_cap_problem(days_already_this_year: Decimal, new_days: Decimal) -> str | None:
    """§2.1 "Annual limit": a pupil may not be suspended for more than 45 school days in a school
    year (all suspensions, lunchtimes as half days). Returns why the new suspension is refused, or
    None when it fits (exactly 45 is allowed)."""
    total = days_already_this_year + new_days
    if total > MAX_SUSPENSION_DAYS_PER_YEAR:
        left = max(Decimal(0), MAX_SUSPENSION_DAYS_PER_YEAR - days_already_this_year)
        return (
            f"This would take the pupil to {_fmt(total)} days of suspension this school year; the limit is 45 "
            f"(statutory guidance; {_fmt(left)} days remain). Consider whether a permanent exclusion is the "
            "proportionate response instead."
        )
    return None


# Governing board and LA -----------------------------------------------------------------------


class BoardDuty(StrEnum):
    """§2.3: what the governing board must do about an exclusion."""

    REPRESENTATIONS_ONLY = "representations"  # total ≤ 5 days in the term: consider representations; cannot reinstate
    MEET_IF_PARENTS_ASK = "if_asked"  # > 5 and ≤ 15 days: meet within 50 school days if parents ask
    MUST_MEET = "must_meet"  # PEx, or > 15 days in the term: meet within 15 school days
    BEFORE_EXAM = "before_exam"  # a public exam / NC test is missed: before the exam if practicable


BOARD_DUTY_TEXT = {
    BoardDuty.REPRESENTATIONS_ONLY: "The governing board must consider any representations from the parents but "
    "need not meet and cannot reinstate (total 5 school days or fewer this term).",
    BoardDuty.MEET_IF_PARENTS_ASK: "If the parents ask, the governing board must meet to consider reinstatement "
    "within 50 school days of receiving notice (total more than 5 but not more than 15 school days this term).",
    BoardDuty.MUST_MEET: "The governing board must meet to consider reinstatement within 15 school days of "
    "receiving notice.",
    BoardDuty.BEFORE_EXAM: "The governing board must consider reinstatement before the public exam or national "
    "curriculum test the pupil would miss, if reasonably practicable (the chair may act alone in a maintained "
    "school), and in any case within 15 school days.",
}


def board_duty(kind: str, term_days_including_this: Decimal, misses_public_exam: bool = False) -> BoardDuty:
    """§2.3 "Governing board duty to consider". `term_days_including_this` is the pupil's total
    suspended days in the (statutory) term including this suspension."""
    if kind == PERMANENT or term_days_including_this > GOVERNORS_MUST_MEET_ABOVE_DAYS:
        return BoardDuty.MUST_MEET
    if misses_public_exam:
        return BoardDuty.BEFORE_EXAM
    if term_days_including_this > GOVERNORS_TOLD_ABOVE_DAYS:
        return BoardDuty.MEET_IF_PARENTS_ASK
    return BoardDuty.REPRESENTATIONS_ONLY


def governors_must_be_told(kind: str, term_days_including_this: Decimal, misses_public_exam: bool = False) -> bool:
    """§2.2: the governing board and the LA are told without delay of a PEx, of suspensions taking
    the total to more than 5 school days (or more than 10 lunchtimes) in a term, and of any
    exclusion that means missing a public exam or national curriculum test."""
    return kind == PERMANENT or term_days_including_this > GOVERNORS_TOLD_ABOVE_DAYS or misses_public_exam


def board_can_reinstate(duty: BoardDuty) -> bool:
    """§2.3 last row: for a term total of 5 days or fewer the board cannot reinstate."""
    return duty != BoardDuty.REPRESENTATIONS_ONLY


def board_deadline(
    duty: BoardDuty, notice_received: dt.date, calendar: SchoolCalendar, parents_asked: dt.date | None = None
) -> dt.date | None:
    """§2.3 deadlines in school days from the board receiving notice: 15 for a PEx or > 15 days
    (and, at the latest, when an exam is missed); 50 when the parents ask for a meeting for a
    > 5 and ≤ 15 day total (from the request if later than the notice); none otherwise."""
    if duty in (BoardDuty.MUST_MEET, BoardDuty.BEFORE_EXAM):
        return calendar.add_school_days(notice_received, GB_MEETING_SCHOOL_DAYS)
    if duty == BoardDuty.MEET_IF_PARENTS_ASK and parents_asked is not None:
        return calendar.add_school_days(notice_received, GB_MEETING_IF_ASKED_SCHOOL_DAYS)
    return None


def irp_request_deadline(board_decision_notified: dt.date, calendar: SchoolCalendar) -> dt.date:
    """§2.4: parents may ask for an independent review within 15 school days of written notice of
    the governing board's decision not to reinstate a permanently excluded pupil."""
    return calendar.add_school_days(board_decision_notified, IRP_REQUEST_SCHOOL_DAYS)


# Sessions and education from day 6 -------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    sessions: list[tuple[dt.date, Session]]

    @property
    def first_day(self) -> dt.date:
        return self.sessions[0][0]

    @property
    def last_day(self) -> dt.date:
        return self.sessions[-1][0]

    @property
    def school_days(self) -> list[dt.date]:
        return sorted({d for d, _s in self.sessions})


def suspension_sessions(
    start: dt.date, sessions: int, calendar: SchoolCalendar, start_session: Session = "AM"
) -> Period:
    """The school sessions a suspension of `sessions` sessions covers, from `start`
    (`start_session`), skipping weekends, holidays and closures (§2.1: a fixed number of school
    days). Raises ValueError when the calendar does not reach far enough or `sessions` < 1."""
    if sessions < 1:
        raise ValueError("A suspension must last at least one session (half a day).")
    horizon = start + dt.timedelta(days=max(60, sessions * 4))
    available = [
        (d, s) for d, s in calendar.sessions(start, horizon) if not (d == start and start_session == "PM" and s == "AM")
    ]
    if len(available) < sessions:
        raise ValueError("The school calendar does not reach the end of this suspension: add the term dates.")
    return Period(available[:sessions])


def lunchtime_days(start: dt.date, lunchtimes: int, calendar: SchoolCalendar) -> list[dt.date]:
    """The school days of a lunchtime suspension: `lunchtimes` consecutive school days from
    `start` (each lunchtime is half a day, §2.1)."""
    first = calendar.next_school_day(start)
    return [first] + [calendar.add_school_days(first, i) for i in range(1, lunchtimes)]


def return_after(period: Period, calendar: SchoolCalendar) -> tuple[dt.date, Session]:
    """The first session after the suspension: the pupil's return (§2.2 "return date/time")."""
    last_day, last_session = period.sessions[-1]
    if last_session == "AM" and "PM" in calendar.sessions_on(last_day):
        return last_day, "PM"
    nxt = calendar.add_school_days(last_day, 1)
    return nxt, calendar.sessions_on(nxt)[0]


def needs_provision_from_day_6(kind: str, school_days: int) -> bool:
    """§2.5: education must be arranged from day 6 of a suspension of more than 5 consecutive
    school days (by the school) and from day 6 of a permanent exclusion (by the LA)."""
    if kind == PERMANENT:
        return True
    return kind == FIXED and school_days > 5


def sixth_day(first_day: dt.date, calendar: SchoolCalendar) -> dt.date:
    """§2.5: day 6 of the exclusion, counting `first_day` (or the next school day) as day 1."""
    return calendar.add_school_days(calendar.next_school_day(first_day), PROVISION_FROM_DAY - 1)


# The checklist ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExclusionFacts:
    kind: str
    decided_on: dt.date
    first_day: dt.date
    school_days: int  # school days covered (for FIXD), lunchtimes for LNCH, 0 for PERM
    term_days_including_this: Decimal
    misses_public_exam: bool = False
    exam_date: dt.date | None = None
    has_social_worker_or_lac: bool = False
    home_la_differs: bool = False
    governors_notified: dt.date | None = None
    parents_asked_for_meeting: dt.date | None = None
    board_decision_notified: dt.date | None = None
    board_upheld: bool = False


@dataclass(frozen=True)
class Duty:
    key: str
    title: str
    due: dt.date | None
    due_text: str
    source: str


def duties(facts: ExclusionFacts, calendar: SchoolCalendar) -> list[Duty]:
    """Every duty that follows an exclusion, with its deadline (domain §2.2–§2.5). "Without
    delay" duties are due on the day of the decision."""
    today = facts.decided_on
    result = [
        Duty(
            "parents",
            "Tell the parents (phone or in person, then the letter)",
            today,
            "without delay",
            "§2.2 Parents",
        ),
        Duty(
            "la", "Tell the local authority (reasons and duration)", today, "without delay", "§2.2 LA (all exclusions)"
        ),
    ]
    if facts.has_social_worker_or_lac:
        result.append(
            Duty(
                "sw_vsh",
                "Tell the social worker and/or Virtual School Head",
                today,
                "without delay",
                "§2.2 Social worker / VSH",
            )
        )
    if governors_must_be_told(facts.kind, facts.term_days_including_this, facts.misses_public_exam):
        result.append(Duty("governors", "Tell the governing board", today, "without delay", "§2.2 Governing board"))
    if facts.kind == PERMANENT and facts.home_la_differs:
        result.append(Duty("home_la", "Tell the pupil's home LA as well", today, "without delay", "§2.2 Home LA"))
    duty = board_duty(facts.kind, facts.term_days_including_this, facts.misses_public_exam)
    notice = facts.governors_notified or facts.decided_on
    try:
        deadline = board_deadline(duty, notice, calendar, facts.parents_asked_for_meeting)
    except ValueError:
        deadline = None
    if duty == BoardDuty.BEFORE_EXAM and facts.exam_date and deadline and facts.exam_date < deadline:
        deadline = facts.exam_date
    due_text = {
        BoardDuty.MUST_MEET: "within 15 school days of notice",
        BoardDuty.BEFORE_EXAM: "before the exam if practicable, within 15 school days",
        BoardDuty.MEET_IF_PARENTS_ASK: "within 50 school days, if the parents ask",
        BoardDuty.REPRESENTATIONS_ONLY: "when representations arrive",
    }[duty]
    result.append(Duty("board", BOARD_DUTY_TEXT[duty], deadline, due_text, "§2.3"))
    if needs_provision_from_day_6(facts.kind, facts.school_days):
        who = "The LA arranges" if facts.kind == PERMANENT else "The school arranges"
        try:
            day6: dt.date | None = sixth_day(facts.first_day, calendar)
        except ValueError:
            day6 = None
        result.append(
            Duty("day6", f"{who} suitable full-time education from day 6", day6, "from day 6", "§2.5 Education")
        )
    if facts.kind == PERMANENT and facts.board_upheld and facts.board_decision_notified:
        result.append(
            Duty(
                "irp",
                "Parents' window to ask for an independent review panel closes",
                irp_request_deadline(facts.board_decision_notified, calendar),
                "15 school days from the board's written decision",
                "§2.4",
            )
        )
    return result


# The parents' letter ----------------------------------------------------------------------------

#: §2.2: what the letter to parents must say. Each key names a block of the letter template;
#: tests check every one is present in the PDF's text.
LETTER_ELEMENTS: dict[str, str] = {
    "period": "the period of the suspension or that the exclusion is permanent",
    "reasons": "the reasons",
    "representations": "the right to make representations to the governing board, and how",
    "remote_meeting": "the right to ask for the meeting to be held remotely",
    "first_five_days": "for the first 5 school days, the parents' duty to ensure the child is not in a public "
    "place in school hours without reasonable justification, and the possible penalty notice",
    "day6": "arrangements for education from day 6",
    "advice": "sources of free and impartial advice",
    "return": "the date and time of return (suspensions)",
}


def _fmt(days: Decimal) -> str:
    return f"{days.normalize():f}" if days != days.to_integral() else str(int(days))


def fmt_days(days: Decimal) -> str:
    return _fmt(days)


# Off-site directions (§2.8) ---------------------------------------------------------------------

#: §2.8: written notice at least 2 school days before an off-site direction starts.
OFFSITE_NOTICE_SCHOOL_DAYS = 2
#: §2.8: a parent's or the LA's request for a review must be met if none in the last 10 weeks.
OFFSITE_REVIEW_REQUEST_WEEKS = 10


def offsite_notice_deadline(start: dt.date, calendar: SchoolCalendar) -> dt.date:
    """§2.8 (s29A EA 2002; SI 2010/1156 reg 3 as amended by SI 2012/2532): written notice of an
    off-site direction goes to the parents (and the LA when the pupil has an EHCP) as soon as
    practicable and **at least 2 school days before** the direction starts.

    Returns the last day on which the notice may be given: the school day 2 school days before the
    first day (a Wednesday start needs notice by the Monday; a Monday start by the Thursday before;
    weekends, holidays and INSET days do not count). Raises `ValueError` when the school calendar
    does not reach that far back."""
    return calendar.add_school_days(start, -OFFSITE_NOTICE_SCHOOL_DAYS)


def offsite_notice_problem(
    notice: dt.date, start: dt.date, calendar: SchoolCalendar, who: str = "parents"
) -> str | None:
    """§2.8: why a notice given on `notice` is too late for a direction starting on `start`, or
    None when it is in time."""
    deadline = offsite_notice_deadline(start, calendar)
    if notice > deadline:
        return (
            f"The written notice to the {who} must be given at least {OFFSITE_NOTICE_SCHOOL_DAYS} school days "
            f"before the direction starts: for a start on {start:%d/%m/%Y} that is by {deadline:%d/%m/%Y}, "
            f"but it is dated {notice:%d/%m/%Y}. Give notice sooner or start the direction later."
        )
    return None


def review_request_must_be_met(request: dt.date, reviews: list[dt.date]) -> bool:
    """§2.8 (SI 2010/1156 reg 3 as amended): the governing board must comply with a parent's or
    the LA's request to review an off-site direction unless it has reviewed it in the last
    10 weeks. "In the last 10 weeks" is read as the 70 days ending on the day of the request: a
    review exactly 10 weeks (70 days) earlier is outside it, so the request must be met."""
    window_start = request - dt.timedelta(weeks=OFFSITE_REVIEW_REQUEST_WEEKS)
    return not any(window_start < day <= request for day in reviews)

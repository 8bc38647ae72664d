"""Attendance rules as pure functions: the 2024 code set, the measures and the penalty threshold.

Sources are the domain file `england-standards.md` §1 (The School Attendance (Pupil Registration)
(England) Regulations 2024, SI 2024/208; Working together to improve school attendance, August
2024; the National Framework for penalty notices). Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise

#: The 2024 regulations came into force on 19 August 2024 (domain §1.2).
REGULATIONS_2024_START = dt.date(2024, 8, 19)
#: Registers stay open no longer than 30 minutes (domain §1.1).
MAX_REGISTER_OPEN_MINUTES = 30


class Stat(StrEnum):
    """The statistical meaning of a code (domain §1.2, column "Stat")."""

    PRESENT = "present"
    AEA = "aea"  # approved educational activity: counts as attendance
    AUTH = "auth"
    UNAUTH = "unauth"
    NOT_POSSIBLE = "not_possible"


class Group(StrEnum):
    ATTENDING = "Attending school"
    ELSEWHERE = "Attending a place other than the school"
    LEAVE = "Absent: leave of absence"
    OTHER_AUTHORISED = "Absent: other authorised reasons"
    UNAVOIDABLE = "Absent: unable to attend because of an unavoidable cause"
    UNAUTHORISED = "Absent: unauthorised"
    ADMINISTRATIVE = "Administrative"
    REMOVED = "Removed on 19 August 2024 (history only)"


@dataclass(frozen=True)
class Code:
    code: str
    meaning: str
    group: Group
    stat: Stat
    current: bool = True  # False: removed in 2024, kept only for importing history

    @property
    def possible(self) -> bool:
        """Whether the session counts toward possible sessions (domain §1.2, "Possible?")."""
        return self.stat != Stat.NOT_POSSIBLE

    @property
    def attended(self) -> bool:
        return self.stat in (Stat.PRESENT, Stat.AEA)

    @property
    def is_absence(self) -> bool:
        return self.stat in (Stat.AUTH, Stat.UNAUTH)


_CODES: list[Code] = [
    Code("/", "Present at the school (morning session)", Group.ATTENDING, Stat.PRESENT),
    Code("\\", "Present at the school (afternoon session)", Group.ATTENDING, Stat.PRESENT),
    Code("L", "Late arrival before the register has closed", Group.ATTENDING, Stat.PRESENT),
    Code("K", "Attending education provision arranged by the local authority", Group.ELSEWHERE, Stat.AEA),
    Code("V", "Attending an educational visit or trip", Group.ELSEWHERE, Stat.AEA),
    Code("P", "Participating in a supervised sporting activity", Group.ELSEWHERE, Stat.AEA),
    Code("W", "Attending work experience", Group.ELSEWHERE, Stat.AEA),
    Code("B", "Attending any other approved educational activity", Group.ELSEWHERE, Stat.AEA),
    Code("D", "Dual registered: attending the other school", Group.LEAVE, Stat.NOT_POSSIBLE),
    Code(
        "C1",
        "Leave of absence for a regulated performance or regulated employment abroad",
        Group.LEAVE,
        Stat.AUTH,
    ),
    Code("M", "Leave of absence for a medical or dental appointment", Group.LEAVE, Stat.AUTH),
    Code(
        "J1",
        "Leave of absence for an interview for employment or admission to another institution",
        Group.LEAVE,
        Stat.AUTH,
    ),
    Code("S", "Leave of absence to study for a public examination", Group.LEAVE, Stat.AUTH),
    Code("X", "Non-compulsory school age pupil not required to attend school", Group.LEAVE, Stat.NOT_POSSIBLE),
    Code("C2", "Leave of absence: part-time timetable (compulsory school age)", Group.LEAVE, Stat.AUTH),
    Code("C", "Leave of absence for exceptional circumstances", Group.LEAVE, Stat.AUTH),
    Code("T", "Parent travelling for occupational purposes", Group.OTHER_AUTHORISED, Stat.AUTH),
    Code("R", "Religious observance", Group.OTHER_AUTHORISED, Stat.AUTH),
    Code("I", "Illness (not medical or dental appointment)", Group.OTHER_AUTHORISED, Stat.AUTH),
    Code("E", "Suspended or permanently excluded, no alternative provision", Group.OTHER_AUTHORISED, Stat.AUTH),
    Code("Q", "Unable to attend: lack of access arrangements", Group.UNAVOIDABLE, Stat.NOT_POSSIBLE),
    Code("Y1", "Unable to attend: transport normally provided not available", Group.UNAVOIDABLE, Stat.NOT_POSSIBLE),
    Code("Y2", "Unable to attend: widespread disruption to travel", Group.UNAVOIDABLE, Stat.NOT_POSSIBLE),
    Code("Y3", "Unable to attend: part of the school premises closed", Group.UNAVOIDABLE, Stat.NOT_POSSIBLE),
    Code("Y4", "Unable to attend: whole school site unexpectedly closed", Group.UNAVOIDABLE, Stat.NOT_POSSIBLE),
    Code("Y5", "Unable to attend: in criminal justice detention", Group.UNAVOIDABLE, Stat.NOT_POSSIBLE),
    Code("Y6", "Unable to attend: public health guidance or law", Group.UNAVOIDABLE, Stat.NOT_POSSIBLE),
    Code("Y7", "Unable to attend: any other unavoidable cause", Group.UNAVOIDABLE, Stat.NOT_POSSIBLE),
    Code("G", "Holiday not granted by the school", Group.UNAUTHORISED, Stat.UNAUTH),
    Code("N", "Reason for absence not yet established", Group.UNAUTHORISED, Stat.UNAUTH),
    Code("O", "Absent in other or unknown circumstances", Group.UNAUTHORISED, Stat.UNAUTH),
    Code("U", "Arrived in school after registration closed", Group.UNAUTHORISED, Stat.UNAUTH),
    Code("Z", "Prospective pupil not on the admission register", Group.ADMINISTRATIVE, Stat.NOT_POSSIBLE),
    Code("#", "Planned whole-school closure", Group.ADMINISTRATIVE, Stat.NOT_POSSIBLE),
    # Removed on 19 August 2024: history only (domain §1.2, "Codes removed").
    Code(
        "H",
        "Agreed family holiday (removed 2024: use C only in exceptional circumstances)",
        Group.REMOVED,
        Stat.AUTH,
        False,
    ),
    Code("F", "Agreed extended family holiday (removed before 2013)", Group.REMOVED, Stat.AUTH, False),
    Code("J", "Interview (removed 2024: now J1, an authorised absence)", Group.REMOVED, Stat.AEA, False),
    Code(
        "Y",
        "Unable to attend due to exceptional circumstances (removed 2024: now Y1 to Y7)",
        Group.REMOVED,
        Stat.NOT_POSSIBLE,
        False,
    ),
]

CODES: dict[str, Code] = {c.code: c for c in _CODES}
CURRENT_CODES: dict[str, Code] = {c.code: c for c in _CODES if c.current}
PRESENT_CODES = frozenset(c.code for c in _CODES if c.stat == Stat.PRESENT)
ATTENDED_CODES = frozenset(c.code for c in _CODES if c.attended)
AUTHORISED_CODES = frozenset(c.code for c in _CODES if c.stat == Stat.AUTH)
UNAUTHORISED_CODES = frozenset(c.code for c in _CODES if c.stat == Stat.UNAUTH)
NOT_POSSIBLE_CODES = frozenset(c.code for c in _CODES if c.stat == Stat.NOT_POSSIBLE)
#: Codes counted toward the penalty-notice threshold (domain §1.6).
PENALTY_CODES = frozenset({"G", "N", "O", "U"})
#: Codes that carry minutes late (domain §1.1: L and U need an arrival time).
LATE_CODES = frozenset({"L", "U"})


def present_code(session: str) -> str:
    """The "present" mark for a session: `/` in the morning, `\\` in the afternoon (reg 10 Table 1)."""
    return "/" if session == "AM" else "\\"


def normalise_code(code: str, session: str) -> str:
    """Upper-case a typed code; either present mark becomes the one for the session."""
    code = code.strip().upper()
    if code in ("/", "\\"):
        return present_code(session)
    return code


def code_problem(code: str, day: dt.date) -> str | None:
    """Why `code` cannot be recorded for a session on `day`, or None when it can.

    Codes removed on 19 August 2024 (H, J, Y, and the older F) are kept only for history, so they
    are accepted for sessions before that date and refused after it (domain §1.2)."""
    found = CODES.get(code)
    if found is None:
        return f"“{code}” is not an attendance code."
    if not found.current and day >= REGULATIONS_2024_START:
        replacement = {"H": "C (exceptional circumstances) or G", "J": "J1", "Y": "Y1 to Y7", "F": "C or G"}[code]
        return f"“{code}” was removed on 19/08/2024 and is kept only for earlier history; use {replacement} instead."
    return None


def stat_of(code: str) -> Stat:
    return CODES[code].stat


# Measures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceSummary:
    """One pupil's (or group's) sessions over a date range, counted only while on roll
    (domain §1.3). Percentages are exact; round only for display."""

    possible_sessions: int = 0
    present: int = 0  # attended: present, late before close and approved educational activity
    authorised_absence: int = 0
    unauthorised_absence: int = 0

    @property
    def overall_absence(self) -> int:
        return self.authorised_absence + self.unauthorised_absence

    @property
    def absence_fraction(self) -> Fraction:
        """Overall absence as an exact fraction of possible sessions (0 when there were none)."""
        if not self.possible_sessions:
            return Fraction(0)
        return Fraction(self.overall_absence, self.possible_sessions)

    @property
    def attendance_pct(self) -> Decimal:
        """100 × attended / possible (domain §1.3). 0 when there were no possible sessions; check
        `possible_sessions` before showing it."""
        if not self.possible_sessions:
            return Decimal(0)
        return Decimal(100 * self.present) / Decimal(self.possible_sessions)

    @property
    def absence_pct(self) -> Decimal:
        if not self.possible_sessions:
            return Decimal(0)
        return Decimal(100 * self.overall_absence) / Decimal(self.possible_sessions)

    @property
    def authorised_pct(self) -> Decimal:
        if not self.possible_sessions:
            return Decimal(0)
        return Decimal(100 * self.authorised_absence) / Decimal(self.possible_sessions)

    @property
    def unauthorised_pct(self) -> Decimal:
        if not self.possible_sessions:
            return Decimal(0)
        return Decimal(100 * self.unauthorised_absence) / Decimal(self.possible_sessions)

    @property
    def persistent_absentee(self) -> bool:
        """Overall absence ≥ 10% of possible sessions, tested exactly (domain §1.3)."""
        return is_persistent_absence(self.overall_absence, self.possible_sessions)

    @property
    def severe_absentee(self) -> bool:
        """Overall absence ≥ 50% of possible sessions, tested exactly (domain §1.3)."""
        return is_severe_absence(self.overall_absence, self.possible_sessions)

    def __add__(self, other: AttendanceSummary) -> AttendanceSummary:
        return AttendanceSummary(
            self.possible_sessions + other.possible_sessions,
            self.present + other.present,
            self.authorised_absence + other.authorised_absence,
            self.unauthorised_absence + other.unauthorised_absence,
        )


def is_persistent_absence(absent: int, possible: int) -> bool:
    """PA: absence ≥ 10% of possible sessions, on exact integers (domain §1.3)."""
    return possible > 0 and absent * 10 >= possible


def is_severe_absence(absent: int, possible: int) -> bool:
    """SA: absence ≥ 50% of possible sessions, on exact integers (domain §1.3)."""
    return possible > 0 and absent * 2 >= possible


def summarise_codes(codes: Iterable[str]) -> AttendanceSummary:
    """The summary of a list of codes already limited to sessions on roll (reference for tests
    and for small in-memory uses; the selectors count in SQL)."""
    possible = present = auth = unauth = 0
    for code in codes:
        stat = CODES[code].stat
        if stat == Stat.NOT_POSSIBLE:
            continue
        possible += 1
        if stat in (Stat.PRESENT, Stat.AEA):
            present += 1
        elif stat == Stat.AUTH:
            auth += 1
        else:
            unauth += 1
    return AttendanceSummary(possible, present, auth, unauth)


def display_pct(value: Decimal | Fraction, places: int = 1) -> str:
    """Round a percentage for display only."""
    return (
        f"{Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else value:.{places}f}"
    )


# Penalty-notice threshold (domain §1.6) ------------------------------------------------------

PENALTY_THRESHOLD_SESSIONS = 10
PENALTY_WINDOW_WEEKS = 10
PENALTY_NOTICE_LIMIT = 2  # per parent, per child, in a rolling 3 years
PENALTY_LIMIT_YEARS = 3


def week_start(day: dt.date) -> dt.date:
    """The Monday of the Monday–Sunday week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def penalty_window(school_days: Iterable[dt.date], on: dt.date) -> tuple[dt.date, dt.date] | None:
    """The rolling window on `on`: the 10 most recent school weeks (Monday–Sunday weeks with at
    least one school session) up to and including the week of `on`, counting marks up to and
    including `on` (issue 5, domain §1.6). Returns (first day, `on`), or None with no school weeks.

    `school_days` must hold every school day up to `on` for at least the span of the window."""
    weeks = sorted({week_start(d) for d in school_days if d <= on}, reverse=True)
    this_week = week_start(on)
    weeks = [w for w in weeks if w <= this_week][:PENALTY_WINDOW_WEEKS]
    if not weeks:
        return None
    return weeks[-1], on


def meets_penalty_threshold(unauthorised_sessions: int) -> bool:
    return unauthorised_sessions >= PENALTY_THRESHOLD_SESSIONS


def notices_in_limit_period(issued_dates: Iterable[dt.date], on: dt.date) -> int:
    """Notices issued (not withdrawn) in the 3 years up to `on` (domain §1.6)."""
    try:
        start = on.replace(year=on.year - PENALTY_LIMIT_YEARS)
    except ValueError:  # 29 February
        start = on.replace(year=on.year - PENALTY_LIMIT_YEARS, day=28)
    return sum(1 for d in issued_dates if start < d <= on)


def may_issue_penalty_notice(issued_dates: Iterable[dt.date], on: dt.date) -> bool:
    """At most two notices per parent per child in a rolling 3-year period (domain §1.6)."""
    return notices_in_limit_period(issued_dates, on) < PENALTY_NOTICE_LIMIT


def penalty_amount(issued_dates: Iterable[dt.date], on: dt.date, paid_within_days: int | None = None) -> int:
    """£ due on a notice issued on `on`: first notice £160, £80 if paid within 21 days; a second
    notice within 3 years of the first is a flat £160 (domain §1.6)."""
    earlier = notices_in_limit_period([d for d in issued_dates if d < on], on)
    if earlier == 0 and paid_within_days is not None and paid_within_days <= 21:
        return 80
    return 160


# Children absent from education (domain §1.7) -------------------------------------------------

CME_UNAUTHORISED_DAYS = 10
CME_ILLNESS_DAYS = 15


# Registers (domain §1.1) ---------------------------------------------------------------------

#: Sessions after this local time of day count as the afternoon for "the current session".
AFTERNOON_FROM = dt.time(12, 0)


def current_session(now: dt.datetime) -> str:
    """The session a register taken at local time `now` belongs to."""
    return "AM" if now.time() < AFTERNOON_FROM else "PM"


def late_code(minutes_late: int, register_open_minutes: int) -> str:
    """The code for a pupil who arrives `minutes_late` after the register opened: `L` (present)
    while the register is open, `U` (unauthorised) after it has closed (domain §1.1, reg 10
    Table 1; the register stays open for the same time every session, at most 30 minutes)."""
    return "L" if minutes_late <= min(register_open_minutes, MAX_REGISTER_OPEN_MINUTES) else "U"


def register_closed(now: dt.time, opens: dt.time, open_minutes: int) -> bool:
    """Whether a register that opened at `opens` and stays open `open_minutes` has closed by `now`."""
    minutes = (now.hour * 60 + now.minute) - (opens.hour * 60 + opens.minute)
    return minutes > min(open_minutes, MAX_REGISTER_OPEN_MINUTES)


def is_unresolved_n_overdue(mark_day: dt.date, limit_day: dt.date) -> bool:
    """An `N` is temporary and must be replaced once the reason is known (domain §1.2). The
    limit is a school setting (the widely quoted 5 school days is unconfirmed): an `N` on or before
    `limit_day` (today minus the limit in school days) is overdue."""
    return mark_day <= limit_day


# Penalty notices: amounts (domain §1.6) -------------------------------------------------------

PENALTY_FIRST_FULL = 160
PENALTY_FIRST_REDUCED = 80
PENALTY_SECOND = 160


def penalty_notice_terms(earlier_issued: Iterable[dt.date], on: dt.date) -> tuple[int, int, int | None]:
    """(sequence, full amount £, reduced amount £ or None) for a notice to one parent for one
    child issued on `on`, given the dates of that parent's earlier non-withdrawn notices for that
    child. First notice: £160 within 28 days, £80 within 21 days; second within 3 years: a flat
    £160; a third within 3 years is not allowed (ValueError) (domain §1.6, National Framework)."""
    count = notices_in_limit_period(earlier_issued, on)
    if count >= PENALTY_NOTICE_LIMIT:
        raise ValueError(
            "This parent has already had two penalty notices for this child in the last 3 years: "
            "a third breach needs another legal step (for example prosecution), not a notice."
        )
    if count == 0:
        return 1, PENALTY_FIRST_FULL, PENALTY_FIRST_REDUCED
    return 2, PENALTY_SECOND, None


def day_is_unauthorised(codes: Iterable[str]) -> bool:
    """A school day counts as a day of unauthorised absence when every session marked that day is
    unauthorised (G, N, O or U) (domain §1.7)."""
    found = list(codes)
    return bool(found) and all(c in UNAUTHORISED_CODES for c in found)


def latest_run(days: list[tuple[dt.date, bool]]) -> tuple[dt.date, dt.date, int] | None:
    """The latest run of consecutive school days that are True in `days` (school days in order;
    holidays are not in the list, so they do not break a run): (first day, last day, length)."""
    best: tuple[dt.date, dt.date, int] | None = None
    start: dt.date | None = None
    length = 0
    previous: dt.date | None = None
    for day, flagged in days:
        if flagged:
            if start is None:
                start, length = day, 0
            length += 1
            previous = day
            best = (start, previous, length)
        else:
            start, length = None, 0
    return best


def is_children_missing_education_concern(unauthorised_run_days: int) -> bool:
    """10 or more consecutive school days of unauthorised absence: report to the LA (domain §1.7;
    local processes, e.g. thegrid.org.uk, Central Bedfordshire)."""
    return unauthorised_run_days >= CME_UNAUTHORISED_DAYS


def is_long_illness(illness_sessions: int) -> bool:
    """15 school days (30 sessions) or more of absence for illness, consecutive or cumulative: tell
    the LA for its s19 duty (domain §1.7). The period is not stated: counted over the school year."""
    return illness_sessions >= 2 * CME_ILLNESS_DAYS


# Leave of absence (domain §1.4, reg 11) -------------------------------------------------------

#: Leave the school may grant and the code each produces. C2 comes from a part-time timetable.
LEAVE_CODES = frozenset({"C", "C1", "M", "J1", "S"})
#: Leave that must be asked for in advance (reg 11(4) interview, 11(5) study, 11(1) exceptional).
LEAVE_IN_ADVANCE = frozenset({"C", "J1", "S"})


def leave_problem(kind: str, requested_on: dt.date, start: dt.date, end: dt.date, decided_on: dt.date) -> str | None:
    """Why leave of this kind cannot be granted, or None. Leave cannot be granted retrospectively
    (domain §1.4, Ashchurch Primary), so not after its first day (a decision on the first day
    itself, before the leave is taken, is allowed); C, J1 and S must have been
    asked for in advance (reg 11(1), 11(4), 11(5))."""
    if kind not in LEAVE_CODES:
        return f"{kind} is not a leave-of-absence code the school can grant."
    if end < start:
        return "The leave ends before it starts."
    if decided_on > start:
        return "Leave cannot be granted retrospectively: the leave has already started."
    if kind in LEAVE_IN_ADVANCE and requested_on >= start:
        return "This leave must be asked for in advance of the first day."
    return None


# Post-registration truancy (domain §1.1, §1.2; issue 5; attreg) -------------------------------

#: Codes meaning the pupil was on the school site at registration (domain §1.2: `/`, `\`, `L`
#: "Attending school", and `U`, who arrived after the register closed: absent in the statistics but
#: physically in school, so a lesson they then miss is just as much a truancy concern).
IN_SCHOOL_CODES = PRESENT_CODES | {"U"}


@dataclass(frozen=True)
class LessonSlot:
    """A lesson period on one day: its name, session and times."""

    period: str
    session: str
    starts: dt.time
    ends: dt.time


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _explains(code: str | None) -> bool:
    """Whether a session mark explains a pupil's absence from a lesson in that session: any code
    for attending elsewhere (AEA: `K`, `V`, `P`, `W`, `B`), an authorised absence (`M` medical
    appointment, `I` illness after being sent home, leave) or a session that is not possible (`D`,
    `Y1`–`Y7`, `#`...) (domain §1.2, column "Stat"). Presence codes, `U`, `N`, `O` and `G`, or no
    mark yet, explain nothing."""
    if code is None or code not in CODES:
        return False
    return CODES[code].stat in (Stat.AEA, Stat.AUTH, Stat.NOT_POSSIBLE)


def post_registration_truancy(
    registration: dict[str, tuple[str, int | None]],
    register_opens: dict[str, dt.time],
    lessons_absent: Iterable[LessonSlot],
) -> list[LessonSlot]:
    """The lessons a pupil missed after being registered in school that day: post-registration
    truancy, to be followed up the same day (issue 5).

    `registration` is the day's statutory marks {session: (code, minutes late)}; `register_opens`
    the time each session's register opens; `lessons_absent` the lessons the pupil was marked
    absent from. A missed lesson counts when:

    1. the pupil was on site at an earlier or the same session's registration: a code in
       `IN_SCHOOL_CODES` (`/`, `\\`, `L`, `U`; domain §1.2). Approved educational activities (`K`,
       `V`, `P`, `W`, `B`) are attendance *elsewhere* (domain §1.2, "Attending a place other than
       the school"), so a pupil on a trip is expected to miss lessons: not truancy;
    2. the lesson's own session mark does not explain it (see `_explains`: e.g. `M` for a medical
       appointment or `I` after being sent home ill replace the afternoon mark);
    3. for a pupil registered late (`L` or `U`) in the lesson's session, the lesson ended after
       they arrived (register opening time + minutes late): a lesson that was over before they
       arrived is covered by the late mark itself.

    Returns the counted lessons in time order."""
    order = {"AM": 0, "PM": 1}
    first_in: int | None = None
    for session, (code, _late) in registration.items():
        if code in IN_SCHOOL_CODES and session in order:
            rank = order[session]
            first_in = rank if first_in is None else min(first_in, rank)
    if first_in is None:
        return []
    found: list[LessonSlot] = []
    for lesson in lessons_absent:
        if lesson.session not in order or order[lesson.session] < first_in:
            continue
        code, late = registration.get(lesson.session, ("", None))
        if _explains(code or None):
            continue
        if code in LATE_CODES and late is not None and lesson.session in register_opens:
            arrived = _minutes(register_opens[lesson.session]) + late
            if _minutes(lesson.ends) <= arrived:
                continue
        found.append(lesson)
    return sorted(found, key=lambda s: (s.starts, s.period))


def lesson_period_problems(periods: Iterable[tuple[str, dt.time, dt.time, str]]) -> list[str]:
    """Why a school's list of lesson periods (name, starts, ends, session) cannot be saved: names
    repeated, a period ending before it starts, periods overlapping, or a morning period after an
    afternoon one. Empty when the list is sound."""
    problems: list[str] = []
    rows = list(periods)
    seen: set[str] = set()
    for name, starts, ends, session in rows:
        if name.upper() in seen:
            problems.append(f"{name} is listed twice: give each period its own name.")
        seen.add(name.upper())
        if ends <= starts:
            problems.append(f"{name} ends at {ends:%H:%M}, before it starts at {starts:%H:%M}.")
        if session not in ("AM", "PM"):
            problems.append(f"{name}: the session must be AM or PM.")
    ordered = sorted(rows, key=lambda r: r[1])
    for (a, a_start, a_end, a_session), (b, b_start, _b_end, b_session) in pairwise(ordered):
        if b_start < a_end:
            problems.append(f"{a} ({a_start:%H:%M}–{a_end:%H:%M}) and {b} overlap.")
        if a_session == "PM" and b_session == "AM":
            problems.append(f"{b} is a morning period but comes after the afternoon period {a}.")
    return problems


# Punctuality (issue 5; domain §1.2 on L and U, §1.3 for the on-roll rule) -----------------------


@dataclass(frozen=True)
class Punctuality:
    """Late arrivals over sessions on roll: `L` late before the register closed (counts as present)
    and `U` late after it closed (unauthorised absence), domain §1.2 and §1.3 edge case 2.
    `minutes_total` adds the minutes recorded on late marks; `timed` is how many late marks had
    minutes recorded (the average is over those, never over marks without a time)."""

    possible_sessions: int = 0
    before_close: int = 0
    after_close: int = 0
    minutes_total: int = 0
    timed: int = 0

    @property
    def late_sessions(self) -> int:
        return self.before_close + self.after_close

    @property
    def late_fraction(self) -> Fraction:
        """Late sessions as an exact fraction of possible sessions (0 when there were none)."""
        return Fraction(self.late_sessions, self.possible_sessions) if self.possible_sessions else Fraction(0)

    @property
    def late_pct(self) -> Fraction:
        return 100 * self.late_fraction

    @property
    def average_minutes(self) -> Fraction | None:
        """Mean minutes late over the late marks with a time recorded; None when none had one."""
        return Fraction(self.minutes_total, self.timed) if self.timed else None

    def __add__(self, other: Punctuality) -> Punctuality:
        return Punctuality(
            self.possible_sessions + other.possible_sessions,
            self.before_close + other.before_close,
            self.after_close + other.after_close,
            self.minutes_total + other.minutes_total,
            self.timed + other.timed,
        )


def punctuality_of(marks: Iterable[tuple[str, int | None]]) -> Punctuality:
    """Reference count over `(code, minutes_late)` pairs already limited to sessions on roll."""
    possible = before = after = minutes = timed = 0
    for code, late_by in marks:
        if CODES[code].possible:
            possible += 1
        if code not in LATE_CODES:
            continue
        if code == "L":
            before += 1
        else:
            after += 1
        if late_by is not None:
            minutes += late_by
            timed += 1
    return Punctuality(possible, before, after, minutes, timed)


def absence_band(summary: AttendanceSummary) -> str:
    """The band a chart shows for a summary, tested on exact integers (domain §1.3): "sa" (absence
    ≥ 50%), "pa" (≥ 10%), "risk" (over 5%: attendance under 95%, the vendors' "at risk" band, not
    statutory, §1.3 [S]),
    "ok", or "none" with no possible sessions."""
    possible, absent = summary.possible_sessions, summary.overall_absence
    if not possible:
        return "none"
    if is_severe_absence(absent, possible):
        return "sa"
    if is_persistent_absence(absent, possible):
        return "pa"
    if absent * 20 > possible:
        return "risk"
    return "ok"

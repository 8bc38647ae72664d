"""CSV imports for support: attainment (`upn,subject,assessed_on,value[,target]`) and a provider's
attendance for one placement (`upn,date,session,attended`).

Both are all or nothing: every row is checked first, and if any row is wrong nothing is written and
each wrong row is reported with its line number and the reason. `dry_run` checks and reports only.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.attendance.csv_io import ImportRejected, parse_date
from apps.audit import services as audit
from apps.audit.models import Verb

#: Reported errors are capped (the count is always exact).
MAX_ERRORS_SHOWN = 50
#: The largest file the placement page accepts.
MAX_UPLOAD_BYTES = 1_000_000

ATTAINMENT_COLUMNS = ("upn", "subject", "assessed_on", "value")
PROVIDER_COLUMNS = ("upn", "date", "session", "attended")


@dataclass
class ImportResult:
    rows: int
    written: int
    dry_run: bool
    detail: str = ""
    #: One line per row not written, with the reason (a session the school has already recorded).
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would be imported (dry run: nothing was written)" if self.dry_run else "imported"
        extra = f" {self.detail}" if self.detail else ""
        kept = f" {len(self.kept)} kept: " + " ".join(self.kept) if self.kept else ""
        return f"{self.rows} row(s) checked; {self.written} {verb}.{extra}{kept}"


def _rows(stream: Iterable[str], required: tuple[str, ...]) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    reader = csv.DictReader(stream)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        return [], [f"Line 1: the header is missing {', '.join(missing)} (expected {','.join(required)})."]
    reader.fieldnames = header
    rows = []
    for row in reader:
        clean = {k: (v or "").strip() for k, v in row.items() if k}
        if any(clean.values()):
            rows.append((reader.line_num, clean))
    if not rows:
        return [], ["The file has no rows after the header."]
    return rows, []


def _reject(errors: list[str]) -> ImportRejected:
    return ImportRejected(errors[:MAX_ERRORS_SHOWN], len(errors))


def _date(text: str) -> dt.date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None


# Attainment ----------------------------------------------------------------------------------------


def import_attainment(
    school: Any,
    stream: Iterable[str],
    *,
    actor: Any = None,
    source_name: str = "import",
    measure: str = "Working-at grade",
    dry_run: bool = False,
) -> ImportResult:
    """Attainment rows for pupils of `school`, matched by UPN. Dates d/m/Y or ISO, not in the
    future; a value is required, a target optional."""
    from apps.people.models import Pupil

    from .models import AttainmentRecord

    rows, errors = _rows(stream, ATTAINMENT_COLUMNS)
    if errors:
        raise _reject(errors)
    upns = {r["upn"].upper() for _, r in rows}
    pupils = {p.upn.upper(): p for p in Pupil.objects.filter(school=school, upn__in=upns)}
    today = timezone.localdate()
    records: list[AttainmentRecord] = []
    seen: dict[tuple[str, str, dt.date], int] = {}
    # Figures already held for this measure: a row identical to one is skipped ("already held"), a
    # row giving another value for the same pupil, subject and date is an error for its line.
    held: dict[tuple[int, str, dt.date], AttainmentRecord] = {
        (r.pupil_id, r.subject.lower(), r.assessed_on): r
        for r in AttainmentRecord.objects.filter(school=school, pupil__in=pupils.values(), measure=measure).only(
            "pupil_id", "subject", "assessed_on", "value", "target"
        )
    }
    already_held = 0
    for line, r in rows:
        problems = []
        pupil = pupils.get(r["upn"].upper())
        if not r["upn"]:
            problems.append("the UPN is empty")
        elif pupil is None:
            problems.append(f"no pupil at this school has UPN {r['upn']}")
        if not r["subject"]:
            problems.append("the subject is empty")
        elif len(r["subject"]) > 80:
            problems.append("the subject is longer than 80 characters")
        assessed_on = _date(r["assessed_on"])
        if assessed_on is None:
            problems.append(f"“{r['assessed_on']}” is not a date (use 13/01/2026 or 2026-01-13)")
        elif assessed_on > today:
            problems.append("the assessment date is in the future")
        if not r["value"]:
            problems.append("the value is empty")
        elif len(r["value"]) > 20:
            problems.append("the value is longer than 20 characters")
        if len(r.get("target", "")) > 20:
            problems.append("the target is longer than 20 characters")
        if assessed_on and r["subject"] and r["upn"]:
            key = (r["upn"].upper(), r["subject"].lower(), assessed_on)
            if key in seen:
                problems.append(f"the same pupil, subject and date is on line {seen[key]}")
            seen.setdefault(key, line)
        if not problems and pupil is not None and assessed_on is not None:
            same = held.get((pupil.pk, r["subject"].lower(), assessed_on))
            if same is not None:
                if (same.value, same.target) == (r["value"], r.get("target", "")):
                    already_held += 1
                    continue
                figure = same.value + (f" (target {same.target})" if same.target else "")
                problems.append(
                    f"already holds {figure} for {same.subject} on {assessed_on:%d/%m/%Y}; an import does not "
                    "change a figure held (see the pupil's attainment page)"
                )
        if problems:
            errors.append(f"Line {line}: " + "; ".join(problems) + ".")
            continue
        assert pupil is not None and assessed_on is not None
        records.append(
            AttainmentRecord(
                school=school,
                pupil=pupil,
                subject=r["subject"],
                assessed_on=assessed_on,
                measure=measure,
                value=r["value"],
                target=r.get("target", ""),
                source=source_name[:120],
                recorded_by=actor,
            )
        )
    if errors:
        raise _reject(errors)
    if not dry_run:
        try:
            with transaction.atomic():
                AttainmentRecord.objects.bulk_create(records)
                audit.record(
                    actor,
                    Verb.IMPORT,
                    ("support.attainmentrecord", len(records)),
                    school=school,
                    reason="support.attainment",
                )
        except IntegrityError:
            # Someone recorded one of these figures between the check and the write.
            raise _reject(
                [
                    "Some of these figures were recorded by someone else meanwhile: nothing was imported; "
                    "import the file again."
                ]
            ) from None
    detail = f"{already_held} already held (skipped)." if already_held else ""
    return ImportResult(rows=len(rows), written=len(records), dry_run=dry_run, detail=detail)


# Provider attendance ------------------------------------------------------------------------------

YES = {"y", "yes"}
NO = {"n", "no"}


def import_provider_attendance(
    placement: Any, stream: Iterable[str], *, actor: Any = None, dry_run: bool = False, calendar: Any = None
) -> ImportResult:
    """A provider's attendance for one placement: each row the placement's pupil, a date, AM or PM
    and Y/N. Written through `services.record_placement_attendance`, so the marks are the same as
    when entered on the page (the placement code when attended, `N` when missed)."""
    from apps.core.calendar import calendar_for

    from . import services

    rows, errors = _rows(stream, PROVIDER_COLUMNS)
    if errors:
        raise _reject(errors)
    calendar = calendar or calendar_for(placement.school)
    attended: list[tuple[dt.date, str]] = []
    missed: list[tuple[dt.date, str]] = []
    seen: dict[tuple[dt.date, str], int] = {}
    today = timezone.localdate()
    for line, r in rows:
        problems = []
        if r["upn"].upper() != placement.pupil.upn.upper():
            problems.append(f"UPN {r['upn'] or '(empty)'} is not the pupil on this placement ({placement.pupil.upn})")
        day = _date(r["date"])
        session = r["session"].upper()
        if day is None:
            problems.append(f"“{r['date']}” is not a date (use 13/01/2026 or 2026-01-13)")
        if session not in ("AM", "PM"):
            problems.append(f"the session must be AM or PM, not “{r['session']}”")
        flag = r["attended"].lower()
        if flag not in YES | NO:
            problems.append(f"attended must be Y or N, not “{r['attended']}”")
        if day is not None and session in ("AM", "PM"):
            if day > today:
                problems.append("the date is in the future")
            elif (
                day < placement.starts_on
                or (placement.ends_on and day > placement.ends_on)
                or day.weekday() not in placement.weekday_numbers
                or session not in placement.session_list
            ):
                problems.append(f"{day:%d/%m/%Y} {session} is not one of the placement's sessions")
            elif session not in calendar.sessions_on(day):
                problems.append(f"{day:%d/%m/%Y} {session} is not a school session")
            if (day, session) in seen:
                problems.append(f"the same session is on line {seen[(day, session)]}")
            seen.setdefault((day, session), line)
        if problems:
            errors.append(f"Line {line}: " + "; ".join(problems) + ".")
            continue
        assert day is not None
        (attended if flag in YES else missed).append((day, session))
    if errors:
        raise _reject(errors)
    if dry_run:
        kept = services.placement_sessions_kept(placement, attended, missed)
        leave = {(d, s) for d, s, _ in kept}
        attended = [x for x in attended if x not in leave]
        missed = [x for x in missed if x not in leave]
    else:
        # Sessions the school has already recorded otherwise are kept (the service decides).
        written = services.record_placement_attendance(
            actor, placement=placement, attended=attended, missed=missed, calendar=calendar
        )
        attended, missed, kept = written.attended, written.missed, written.kept
    return ImportResult(
        rows=len(rows),
        written=len(attended) + len(missed),
        dry_run=dry_run,
        detail=f"{len(attended)} attended, {len(missed)} missed.",
        kept=services.kept_lines(kept),
    )

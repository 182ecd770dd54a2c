"""How records read on screen: dates in local time, labels in plain words."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from therapist_desk.domain.records import Professional
from therapist_desk.domain.vocabulary import (
    Attendance,
    ClientStatus,
    ContactRole,
    NoteFormat,
    ProfessionalRole,
    ReferralStatus,
    ReferralUrgency,
    SessionKind,
)

ATTENDANCE_LABELS = {
    Attendance.SCHEDULED: "Scheduled",
    Attendance.ATTENDED: "Attended",
    Attendance.CANCELLED: "Cancelled",
    Attendance.LATE_CANCELLED: "Late cancellation",
    Attendance.NO_SHOW: "Did not attend",
}
STATUS_LABELS = {
    ClientStatus.ENQUIRY: "Enquiry",
    ClientStatus.WAITLIST: "Waiting list",
    ClientStatus.ACTIVE: "Active",
    ClientStatus.DISCHARGED: "Discharged",
}
KIND_LABELS = {
    SessionKind.INDIVIDUAL: "Individual",
    SessionKind.COUPLE: "Couple",
    SessionKind.FAMILY: "Family",
    SessionKind.GROUP: "Group",
}
ROLE_LABELS = {
    ContactRole.FAMILY_MEMBER: "Family member",
    ContactRole.PARTNER: "Partner",
    ContactRole.GUARDIAN: "Guardian",
    ContactRole.EMERGENCY_CONTACT: "Emergency contact",
    ContactRole.PROFESSIONAL: "Professional",
}
FORMAT_LABELS = {
    NoteFormat.SOAP: "SOAP",
    NoteFormat.DAP: "DAP",
    NoteFormat.BIRP: "BIRP",
    NoteFormat.FREE: "Free text",
}
SECTION_LABELS = {
    "subjective": "Subjective",
    "objective": "Objective",
    "assessment": "Assessment",
    "plan": "Plan",
    "data": "Data",
    "behaviour": "Behaviour",
    "intervention": "Intervention",
    "response": "Response",
    "note": "Note",
}
URGENCY_LABELS = {
    ReferralUrgency.ROUTINE: "Routine",
    ReferralUrgency.SOON: "Soon",
    ReferralUrgency.URGENT: "Urgent",
}
REFERRAL_STATUS_LABELS = {
    ReferralStatus.DRAFT: "Draft",
    ReferralStatus.SENT: "Sent",
    ReferralStatus.ACKNOWLEDGED: "Acknowledged",
    ReferralStatus.CLOSED: "Closed",
    ReferralStatus.DECLINED: "Declined",
}


def local(moment: datetime) -> datetime:
    return moment.astimezone()


def day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def long_day(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


def clock(moment: datetime) -> str:
    return f"{local(moment):%H:%M}"


def span(starts_at: datetime, minutes: int) -> str:
    start = local(starts_at)
    return f"{start:%H:%M}–{start + timedelta(minutes=minutes):%H:%M}"


def when(starts_at: datetime) -> str:
    start = local(starts_at)
    return f"{day(start.date())}, {start:%H:%M}"


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def initials(name: str) -> str:
    """What a list shows in privacy mode: "Sam Rivera" → "S. R."."""
    parts = [part for part in name.split() if part[:1].isalpha()]
    return " ".join(f"{part[0].upper()}." for part in parts) or "…"


def optional_date(value: date | None) -> str:
    return day(value) if value else "—"


def shortened(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"


PROFESSIONAL_ROLE_LABELS = {
    ProfessionalRole.GP: "GP",
    ProfessionalRole.PSYCHIATRIST: "Psychiatrist",
    ProfessionalRole.PSYCHOLOGIST: "Psychologist",
    ProfessionalRole.SPECIALIST_SERVICE: "Specialist service",
    ProfessionalRole.OTHER: "Other",
}


def professional_text(professional: Professional) -> str:
    """How the directory entry reads in the prescriber list: "Dr Amal Rahman (Psychiatrist)"."""
    details = professional.details
    role = PROFESSIONAL_ROLE_LABELS[details.role]
    where = f", {details.organisation}" if details.organisation else ""
    return f"{details.name} ({role}{where})"

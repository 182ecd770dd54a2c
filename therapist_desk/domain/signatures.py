"""What a signature vouches for: the content hash stored when a progress note is signed.

Plain so that the note service, the vault check and import compute it the same way.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from therapist_desk.domain.records import NoteContent


def note_content_hash(session_id: str, content: NoteContent, signed_at: datetime) -> str:
    """SHA-256 over a canonical form of everything a signature vouches for."""
    canonical = json.dumps(
        {
            "session_id": session_id,
            "format": content.format.value,
            "sections": [
                [name, content.sections.get(name, "")] for name in content.section_names()
            ],
            "techniques": list(content.techniques),
            "interventions": list(content.interventions),
            "mood": content.mood,
            "risk_flag": content.risk_flag,
            "signed_at": signed_at.astimezone(UTC).isoformat(),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()

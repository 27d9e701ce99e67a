"""The one reading of the wall clock the toolkit makes; everything else asks a ``Clock``.

``FVM_NOW`` (an ISO date or datetime) stops the clock at that moment: a rehearsal of a day to
come, or a test whose dates must not go stale as the calendar moves on.
"""

from __future__ import annotations

import os
from datetime import datetime

ENV = "FVM_NOW"


def frozen(text: str) -> datetime:
    """Return the moment ``text`` names (``2026-11-26`` or ``2026-11-26T10:00[+01:00]``), in
    local time with its UTC offset; raise ValueError for anything else."""
    moment = datetime.fromisoformat(text.strip())
    return moment.astimezone() if moment.tzinfo is None else moment


def now() -> datetime:
    """Return this moment in local time with its UTC offset: FVM_NOW when set, else the
    machine's clock."""
    fixed = os.environ.get(ENV, "").strip()
    if fixed:
        return frozen(fixed)
    return datetime.now().astimezone()


def now_iso() -> str:
    """Return :func:`now` to the second (2026-11-26T10:15:03+01:00)."""
    return now().isoformat(timespec="seconds")

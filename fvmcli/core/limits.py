"""The limits every way in checks, declared once, so SQLite and PostgreSQL agree.

Each is well inside what both databases store (ids in VARCHAR(100), names in VARCHAR(200 or
300), integers in INTEGER, i.e. below 2³¹), so input beyond a limit is refused as bad input
(exit 2) before it reaches a database that would overflow or truncate it.
"""

from __future__ import annotations

MAX_ID = 100  # ids: units, people, sessions, questions, items, snapshot labels
MAX_NAME = 200  # names and short texts: units, people, places, trainers, who acted
MAX_TEXT = 10_000  # free text: comments, reasons, text answers
MAX_COUNT = 1_000_000  # whole numbers: staff, counts, quantities, capacities
MAX_NUMBER = 1e12  # the size of a number answer
FIRST_YEAR, LAST_YEAR = 2000, 2100  # dates and times: go-live, waivers, sessions, changes
MAX_OFFSET_DAYS = 3660  # a due date at most about ten years before go-live
MAX_VERSION = 1_000_000  # a checklist's version

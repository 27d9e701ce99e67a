"""Where things stand on an fvm answer sheet (XLSX), shared by its writer and its reader."""

from __future__ import annotations

FORMAT = "fvm-answer-sheet"
META = "fvm"  # the hidden sheet that names checklist, version and unit
# Columns of the answers sheet (0-based): the last two are hidden.
SECTION, QUESTION, HELP, DUE, ANSWER, COMMENT, QID, WAS = range(8)
FIRST_ROW = 6  # 0-based row of the first question (Excel row 7)
FILLED_BY = (3, 1)  # B4: "Ifylld av"
FILLED_ON = (3, 4)  # E4: the date

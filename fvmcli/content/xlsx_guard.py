"""A workbook is checked as a zip archive before any XML in it is parsed: bounded in size, not
encrypted, and with no DTD (entity declarations are how XML bombs and file reads start), in
whatever encoding the XML is written. openpyxl then parses through defusedxml (a dependency),
which refuses entities again."""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from pathlib import Path

from fvmcli.errors import InputError
from fvmcli.i18n import _

MAX_UNPACKED = 256 * 2**20  # what all the parts of one workbook may unpack to
# One sheet's XML: an answer sheet of a few hundred questions is well under a megabyte; a
# sheet of millions of rows would keep the parser busy for minutes.
MAX_SHEET = 16 * 2**20
MAX_PARTS = 5_000
MAX_RATIO = 500  # a part that unpacks to more than this many times its packed size is a bomb
RATIO_FROM = 2**20  # small parts may compress as well as they like
CHUNK = 2**16


def check_workbook(path: Path) -> None:
    """Refuse (exit 2, naming the file) a workbook that is not a zip archive, is encrypted,
    would unpack to too much, or holds XML with a document type declaration."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise _refused(path, _("it has {n} parts").format(n=len(parts)))
            if sum(p.file_size for p in parts) > MAX_UNPACKED:
                raise _refused(path, _("it would unpack to more than 256 MiB"))
            for part in parts:
                if part.flag_bits & 0x1:
                    raise _refused(
                        path,
                        _("it is encrypted; save it again without a password"),
                    )
                if part.filename.startswith("xl/worksheets/") and part.file_size > MAX_SHEET:
                    raise _refused(
                        path,
                        _("{part} unpacks to {size} MiB; an answer sheet is far smaller").format(
                            part=part.filename, size=part.file_size // 2**20
                        ),
                    )
                packed = max(part.compress_size, 1)
                if part.file_size > RATIO_FROM and part.file_size / packed > MAX_RATIO:
                    raise _refused(
                        path,
                        _("{part} unpacks {ratio:.0f} times its size").format(
                            part=part.filename, ratio=part.file_size / packed
                        ),
                    )
                if part.filename.endswith((".xml", ".rels", ".vml")):
                    _check_xml(path, archive, part)
    except InputError:
        raise
    except FileNotFoundError as exc:
        raise InputError(_("{path}: no such file").format(path=path)) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:  # fmt: skip
        hint = _("an encrypted workbook is not a zip archive: save it again without a password")
        raise InputError(
            _("{path}: not a readable XLSX workbook ({exc})").format(path=path, exc=exc),
            hint=hint,
        ) from exc


# How an XML document's first bytes say its encoding (XML 1.0, appendix F): a byte order
# mark, or "<?" in a wide encoding. Anything else is read as UTF-8 or one of its ASCII kin.
_SNIFFED = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
# Encodings in which "<!ENTITY" is the same ASCII bytes as in UTF-8; a declaration naming any
# other (UTF-7, EBCDIC …) could hide a DTD from the search, and Excel never writes one.
_ASCII_KIN = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _check_xml(path: Path, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Read one XML part to its end (bounded by the checks before), refusing a DTD in the
    encoding the part is written in, and an encoding that could hide one."""
    declares = _("{part} declares a document type or entities").format(part=part.filename)
    with archive.open(part) as stream:
        head = stream.read(CHUNK)
        encoding = next((name for mark, name in _SNIFFED if head.startswith(mark)), None)
        if encoding is None:
            found = _DECLARED.match(head.lstrip(codecs.BOM_UTF8))
            if found is not None and found.group(1).decode().lower() not in _ASCII_KIN:
                raise _refused(
                    path,
                    _("{part} is written in {encoding}; save it again as UTF-8").format(
                        part=part.filename, encoding=found.group(1).decode()
                    ),
                )
        decoder = codecs.getincrementaldecoder(encoding or "utf-8")("replace")
        tail = ""
        chunk = head
        while chunk:
            text = tail + decoder.decode(chunk)
            if "<!DOCTYPE" in text or "<!ENTITY" in text:
                raise _refused(path, declares)
            tail = text[-16:]
            chunk = stream.read(CHUNK)


def _refused(path: Path, why: str) -> InputError:
    return InputError(
        _("{path}: refused as an XLSX workbook: {why}").format(path=path, why=why),
        hint=_("Open it in Excel or LibreOffice and save it again as a plain .xlsx file."),
    )

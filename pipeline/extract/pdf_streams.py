"""Watching the PDF library while it reads a file: bounded stream decoding, captured log records.

pdfminer decodes a stream whole and without any limit: `PDFStream.decode`
calls `zlib.decompress(data)`, `lzwdecode(data)`, `rldecode(data)` and
`ccittfaxdecode(data, params)`, names it imports into `pdfminer.pdftypes`. A
few MB of FlateDecode can inflate to gigabytes (a compression bomb). When
zlib fails, pdfminer silently keeps what it could inflate (or nothing), and
only logs a warning when the damage sits in the checksum.

For the duration of `watched()` those names in `pdfminer.pdftypes` are bounded
stand-ins: they inflate at most `pipeline.limits.max_inflate()` bytes and stop
there (InputError too_large, naming the stream), and a Flate stream that does
not inflate cleanly is InputError pdf_damaged instead of a silent loss. Every
stage of a chain ([/FlateDecode /FlateDecode]) goes through them, so each stage
is bounded. Log records of pdfminer and pdfplumber go to a handler that never
prints: those that mean lost text or geometry become pdf_damaged, the rest are
dropped.

Problems are recorded on the extraction's `Watch` as well as raised, because
pdfplumber and pdfminer catch and wrap exceptions on the way out (and drop
some): the caller looks at the watch after every library call (pdf.py's
`library_call`).
The stand-ins are installed once however many extractions run at a time (a
count under a lock); outside an extraction (another thread using pdfminer)
they behave like the originals.
"""

from __future__ import annotations

import logging
import threading
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Iterator

from pipeline.errors import InputError
from pipeline.limits import check_size, max_inflate

# Log records that mean text or its position was lost (pdfminer's wording);
# any other record (colours, marked content, page labels, …) is dropped.
DATA_LOSS = (
    "Data-loss",  # a Flate stream inflated with errors
    "Cannot render",  # a string not drawn
    "Could not set",  # text state: matrix, font, spacing, leading, rise
    "Cannot concatenate matrix",  # everything after it misplaced
    "Cannot start new subpath",  # ruling lines lost
    "Cannot append",
    "Refusing to execute",  # a content stream not drawn
    "Not adding object",  # an object lost from the cross-reference table
    "Skipping invalid font width",  # glyph advances wrong
)
LOGGERS = ("pdfminer", "pdfplumber")


@dataclass
class Watch:
    """What went wrong inside the PDF library during one extraction."""

    problem: InputError | None = None  # the first one: later ones are consequences
    read_by_reference: str | None = None  # damage PDFium would repair otherwise: pdfplumber read the file
    streams: list[str] = field(default_factory=list)  # the streams being decoded, innermost last

    def report(self, err: InputError) -> InputError:
        if self.problem is None:
            self.problem = err
        return self.problem

    def stream(self) -> str:
        return self.streams[-1] if self.streams else "a PDF stream"


_WATCH: ContextVar[Watch | None] = ContextVar("pdf_watch", default=None)


@contextmanager
def watched() -> Iterator[Watch]:
    """Bounded decoding and captured log records for the extraction running in this context."""
    watch = Watch()
    token = _WATCH.set(watch)
    try:
        with _installed():
            yield watch
    finally:
        _WATCH.reset(token)


# --------------------------------------------------------------------------- #
# the bounded decoders


def inflate(data: bytes, watch: Watch) -> bytes:
    """zlib-inflate `data`, stopping at the limit; damage is an error, never a silent loss."""
    if not data:
        return b""  # an empty stream: nothing to lose
    limit = max_inflate()
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)  # never more than the limit (+1 to know it was passed)
    except zlib.error as err:
        raise _damaged(watch, f"does not inflate ({err})") from None
    _check(len(out), watch)
    if not inflater.eof:
        raise _damaged(watch, "ends before its compressed data does (truncated)")
    return out


def lzw_decode(data: bytes, watch: Watch) -> bytes:
    """pdfminer's LZW decoder, stopped at the limit."""
    from pdfminer.lzw import LZWDecoder

    out = bytearray()
    for piece in LZWDecoder(BytesIO(data)).run():
        out += piece
        _check(len(out), watch)
    return bytes(out)


def run_length_decode(data: bytes, watch: Watch) -> bytes:
    """RunLengthDecode (one byte can stand for 128), stopped at the limit."""
    out = bytearray()
    i = 0
    while i < len(data):
        n = data[i]
        if n == 128:  # end of data
            break
        if n < 128:  # the next n + 1 bytes as they are
            out += data[i + 1 : i + 2 + n]
            i += 2 + n
        else:  # the next byte 257 - n times
            out += data[i + 1 : i + 2] * (257 - n)
            i += 2
        _check(len(out), watch)
    return bytes(out)


def ccitt_fax_decode(data: bytes, params: dict, watch: Watch, original) -> bytes:
    """CCITT fax decoding, refused when its largest possible output is past the limit.

    pdfminer decodes it in Python row by row, and a row can take one bit, so
    the bound is the declared size (Columns × Rows) or one row per input bit.
    """
    from pdfminer.pdftypes import int_value

    columns = int_value(params.get("Columns", 1728)) if params else 1728
    rows = int_value(params.get("Rows", 0)) if params else 0
    _check((abs(columns) + 7) // 8 * (abs(rows) or 8 * len(data)), watch, at_least=False)
    return original(data, params)


def _check(size: int, watch: Watch, *, at_least: bool = True) -> None:
    """The inflated size so far (at_least) or a computed bound, against the limit."""
    try:
        check_size(size, watch.stream(), at_least=at_least)
    except InputError as err:
        raise watch.report(err) from None


def _damaged(watch: Watch, what: str) -> InputError:
    return watch.report(InputError("pdf_damaged", f"{watch.stream()} {what}: its data is lost"))


class _BoundedZlib:
    """What pdfminer.pdftypes uses of zlib, with `decompress` bounded (see module docstring)."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes, *args) -> bytes:
        watch = _WATCH.get()
        return zlib.decompress(data, *args) if watch is None else inflate(data, watch)

    @staticmethod
    def decompressobj(*args):
        return zlib.decompressobj(*args)  # only reached outside an extraction: `inflate` never falls back


# --------------------------------------------------------------------------- #
# installing the stand-ins


def _stand_ins(pdftypes) -> dict[str, object]:
    originals = {name: getattr(pdftypes, name) for name in ("zlib", "lzwdecode", "rldecode", "ccittfaxdecode")}
    original_decode = pdftypes.PDFStream.decode

    def only_watched(bounded, name):
        def decoder(*args):
            watch = _WATCH.get()
            return originals[name](*args) if watch is None else bounded(*args, watch)
        return decoder

    def decode(stream) -> None:  # names the stream for the messages above
        watch = _WATCH.get()
        if watch is None:
            return original_decode(stream)
        watch.streams.append(f"PDF stream {stream.objid} {stream.genno or 0} obj" if stream.objid else "a PDF stream")
        try:
            return original_decode(stream)
        finally:
            watch.streams.pop()

    ccitt = originals["ccittfaxdecode"]
    return {
        "zlib": _BoundedZlib,
        "lzwdecode": only_watched(lzw_decode, "lzwdecode"),
        "rldecode": only_watched(run_length_decode, "rldecode"),
        "ccittfaxdecode": only_watched(lambda data, params, watch: ccitt_fax_decode(data, params, watch, ccitt),
                                       "ccittfaxdecode"),
        "PDFStream.decode": decode,
    }


class _Capture(logging.Handler):
    """The library's log records: data loss onto the watch, nothing printed."""

    def emit(self, record: logging.LogRecord) -> None:
        watch = _WATCH.get()
        if watch is None or record.levelno < logging.WARNING:
            return
        message = record.getMessage()
        if message.startswith(DATA_LOSS):
            where = f"{watch.stream()}: " if watch.streams else ""
            watch.report(InputError("pdf_damaged", f"{where}the PDF library lost data ({message})".replace("\n", " ")))


_lock = threading.Lock()
_users = 0
_saved: dict[str, object] = {}


@contextmanager
def _installed() -> Iterator[None]:
    global _users
    with _lock:
        if _users == 0:
            _install()
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                _uninstall()


def _owner(pdftypes, name: str) -> tuple[object, str]:
    """Where a stand-in goes: a name of pdfminer.pdftypes, or the PDFStream.decode method."""
    return (pdftypes.PDFStream, "decode") if name == "PDFStream.decode" else (pdftypes, name)


def _install() -> None:
    from pdfminer import pdftypes

    for name, stand_in in _stand_ins(pdftypes).items():
        owner, attr = _owner(pdftypes, name)
        _saved[name] = getattr(owner, attr)  # AttributeError if pdfminer changed: a bug, never an unbounded read
        setattr(owner, attr, stand_in)
    handler = _Capture()
    for name in LOGGERS:
        logger = logging.getLogger(name)
        _saved[name] = (logger.level, logger.propagate)
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)  # debug records are many and never wanted
        logger.propagate = False  # nothing reaches the root logger's handlers (stderr)
    _saved["handler"] = handler


def _uninstall() -> None:
    from pdfminer import pdftypes

    handler = _saved.pop("handler")
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.removeHandler(handler)
        logger.level, logger.propagate = _saved.pop(name)
    for name, original in list(_saved.items()):
        setattr(*_owner(pdftypes, name), original)
    _saved.clear()


# --------------------------------------------------------------------------- #
# calls into the PDF libraries: what they raise, or the watch saw, as InputError


@contextmanager
def library_call(path: Path, watch: Watch, where: str | None = None) -> Iterator[None]:
    """Around one call into a PDF library: what it raises, or reported to the watch, as InputError.

    pdfminer raises many exception types on a damaged file (PSSyntaxError,
    KeyError, TypeError, struct.error, RecursionError on a deep page tree, …),
    and pdfplumber wraps some of them. Damage the watch saw comes first: the
    exception is then only its consequence (or the bounded decoder's abort).
    Keep these calls narrow: none of our own code runs inside one, so a bug of
    ours is never reported as bad input.
    """
    try:
        yield
    except Exception as err:
        if watch.problem is not None:
            raise watch.problem.located(file=path, where=where) from None
        raise _input_error(err, path, where) from None
    if watch.problem is not None:  # lost data the library carried on after
        raise watch.problem.located(file=path, where=where)


def _ends(path: Path) -> tuple[bytes, bytes]:
    with open(path, "rb") as f:
        head = f.read(1024)
        f.seek(max(0, path.stat().st_size - 2048))
        return head, f.read()


def _input_error(err: Exception, path: Path, where: str | None = None) -> InputError:
    """A PDF library's failure as one clear line."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = err.args[0] if type(err).__name__ == "PdfminerException" and err.args else err  # pdfplumber wraps
    if isinstance(cause, PDFPasswordIncorrect):
        return InputError("pdf_encrypted", "PDF is encrypted and needs a password", file=path, where=where)
    if isinstance(cause, PDFEncryptionError):
        return InputError("pdf_encrypted", f"PDF is encrypted with an unsupported method ({cause})", file=path, where=where)
    if where is None:
        head, tail = _ends(path)
        if not head.lstrip().startswith(b"%PDF-"):
            return InputError("pdf_not_pdf", "not a PDF file (no %PDF- header)", file=path)
        if b"%%EOF" not in tail:
            return InputError("pdf_truncated", f"PDF is truncated (no %%EOF marker; {type(cause).__name__}: {cause})".replace("\n", " "), file=path)
        return InputError("pdf_corrupt", f"not a readable PDF, truncated or corrupt ({type(cause).__name__}: {cause})".replace("\n", " "),
                          file=path)
    return InputError("pdf_page_unreadable", f"cannot read page ({type(cause).__name__}: {cause})".replace("\n", " "), file=path, where=where)

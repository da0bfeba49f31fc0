"""Legacy Word and WPS files: .doc, .wps and .odt to DOCX, .et to XLSX, converted by LibreOffice.

LibreOffice (`soffice`) runs headless once per file, in a temporary directory
that holds a copy of the input, the output and a private LibreOffice profile
(so that parallel conversions do not share, and lock, one profile) and that is
removed afterwards, also on error or timeout. The converted file is then read
by the DOCX or workbook extractor: what is read from a .doc is exactly what is
read from the DOCX LibreOffice makes of it. A conversion that takes longer
than `pipeline.limits.conversion_timeout()` is killed with its whole process
group (soffice starts oosplash, which starts soffice.bin).

What LibreOffice 7.4 (Debian 12) was found to do:
- Type detection goes by content, not by suffix, so no input filter is forced.
  A Kingsoft .wps (WPS Office's text file since WPS 2000: an OLE compound
  file with a Word 97 WordDocument stream) is read by the "MS Word 97" filter,
  although .wps is also registered for MS Works: LibreOffice's own type list
  gives writer_MS_Word_97 the extensions "doc wps". A Kingsoft .et (a BIFF8
  compound file, Excel 97's format) is read by "MS Excel 97", with no .et
  registration at all. Forcing "MS Word 97" would only lose the old MS Works
  .wps files that detection reads as well. Tested on files LibreOffice wrote
  as Word 97 / Excel 97 and renamed; WPS's own extra streams (e.g. its custom
  data) are not needed to read the text and tables. WPS files from before WPS
  2000 (the DOS-era format) are not Word-compatible; LibreOffice has no filter
  for them (not tested: no such file at hand).
- A damaged .doc or .odt (truncated) is not loaded: soffice prints "Error:
  source file could not be loaded", exits 0 and writes nothing →
  conversion_failed, with that reason. Text under an .et name makes soffice
  abort (exit status 134), likewise conversion_failed. A truncated .et may
  still convert: BIFF records are read until the data ends.
- A file that is no compound file at all (text under a .doc name) is imported
  as plain text and comes out as a DOCX without tables. Rather than let a
  confusing "no table" through, a conversion without tables from a file with
  neither a compound-file nor a zip header is conversion_failed too.
- A .doc or .wps converts in about 1.5 s (the 50-page published edition),
  most of it LibreOffice's start; the first start with a new profile is
  included, as every conversion has its own.
"""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import olefile

from pipeline.errors import InputError
from pipeline.extract import format_of
from pipeline.extract.raw import RawDocument
from pipeline.limits import check_size, conversion_timeout

PROGRAMS = ("soffice", "libreoffice")  # Debian installs both names; other systems often only one
ZIP_HEADER = b"PK\x03\x04"  # .odt, and a DOCX or XLSX under an old name


@dataclass(frozen=True)
class Target:
    """What LibreOffice turns one format into, and who reads the result."""

    suffix: str  # of the converted file
    export_filter: str  # LibreOffice's name for the export filter
    reader: str  # module of pipeline.extract that reads the converted file
    kind: str  # what the file should be, with its article, for messages
    package: str  # the Debian package with LibreOffice and the import filter


WRITER = "libreoffice-writer-nogui"
CALC = "libreoffice-calc-nogui"
TARGETS: dict[str, Target] = {
    "doc": Target("docx", "MS Word 2007 XML", "docx", "a Word document", WRITER),
    "wps": Target("docx", "MS Word 2007 XML", "docx", "a WPS or Word document", WRITER),
    "odt": Target("docx", "MS Word 2007 XML", "docx", "an OpenDocument text", WRITER),
    "et": Target("xlsx", "Calc MS Excel 2007 XML", "workbook", "a WPS or Excel spreadsheet", CALC),
}


def extract(path: Path) -> RawDocument:
    path = Path(path)
    fmt = format_of(path)
    target = TARGETS[fmt]
    check_size(path.stat().st_size, "the file")  # the copy and LibreOffice's memory are bounded by it
    program = find_program(fmt, target)
    with tempfile.TemporaryDirectory(prefix="duty-lists-office-") as tmp:
        converted = convert(program, path, Path(tmp), target)
        doc = read_converted(converted, target)
    check_not_plain_text(doc, path, fmt, target)
    doc.path = path
    return doc


def find_program(fmt: str, target: Target) -> str:
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    raise InputError("program_missing", f"reading .{fmt} needs LibreOffice (soffice), which is not installed: "
                                        f"apt-get install {target.package}")


def convert(program: str, path: Path, tmp: Path, target: Target) -> Path:
    """The converted file in `tmp`. The input is copied under a plain name: LibreOffice then never
    sees an odd file name, and writes no lock file next to the user's file."""
    source = tmp / f"source{path.suffix.lower()}"
    shutil.copyfile(path, source)
    outdir = tmp / "out"
    command = [program, f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
               "--headless", "--norestore", "--nolockcheck", "--nodefault",
               "--convert-to", f"{target.suffix}:{target.export_filter}", "--outdir", str(outdir), str(source)]
    status, said = run_limited(command, tmp)
    converted = outdir / f"{source.stem}.{target.suffix}"
    if status != 0 or not converted.is_file() or converted.stat().st_size == 0:
        reason = f" (LibreOffice: {said})" if said else f" (LibreOffice stopped with exit status {status})" if status else ""
        raise InputError("conversion_failed", f"LibreOffice wrote no {target.suffix.upper()}: "
                                              f"the file is damaged or not {target.kind}{reason}")
    return converted


def run_limited(command: list[str], tmp: Path) -> tuple[int, str]:
    """Exit status and LibreOffice's error line, if any; InputError conversion_failed past the time limit."""
    limit = conversion_timeout()
    env = {**os.environ, "TMPDIR": str(tmp)}  # LibreOffice's own temporary files go with the rest
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, start_new_session=True)  # its own process group, to kill it whole
    try:
        out, err = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise InputError("conversion_failed", f"LibreOffice did not finish within {limit:g} s "
                                              "(the conversion time limit, --conversion-timeout): the file may be damaged") from None
    except BaseException:  # interrupted (Ctrl-C): leave no soffice behind
        kill_group(process)
        raise
    return process.returncode, error_line(out + err)


def kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # all gone already
        pass
    process.communicate()


def error_line(output: bytes) -> str:
    """LibreOffice's "Error: …" line without the prefix ("source file could not be loaded"), or ""."""
    for line in output.decode("utf-8", "replace").splitlines():
        if line.startswith("Error:"):
            return line.removeprefix("Error:").strip()
    return ""


def read_converted(converted: Path, target: Target) -> RawDocument:
    """Read inside the temporary directory; the readers are imported only now (the workbook reader
    pulls in calamine, which a .doc does not need)."""
    module = importlib.import_module(f"pipeline.extract.{target.reader}")
    return module.extract(converted)


def check_not_plain_text(doc: RawDocument, path: Path, fmt: str, target: Target) -> None:
    """LibreOffice imports any file it cannot place as plain text: no tables from a file that is neither
    a compound file nor a zip package is that, not a duty list with its tables missing."""
    if doc.tables:
        return
    with path.open("rb") as f:
        zipped_package = f.read(len(ZIP_HEADER)) == ZIP_HEADER
    if zipped_package or olefile.isOleFile(str(path)):  # Word/Excel 97–2003 and WPS files are OLE files
        return
    raise InputError("conversion_failed", f"not {target.kind}: the file has neither the header of an OLE "
                                          f"compound file (Word, Excel and WPS 97–2003 files) nor of a zip package, "
                                          f"and LibreOffice found no table in it (damaged, or text under a .{fmt} name)")

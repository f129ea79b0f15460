"""Read HSDS input as a stream of table rows, whatever its shape.

- a CSV data package: a folder or a .zip with `datapackage.json`;
- a JSON file: one nested HSDS object (a service, organization, location,
  service at location, taxonomy or taxonomy term, told apart by its fields;
  see `mapping.detect_kind`), an array of them, or an API page
  (`{"total_items": ..., "contents": [...]}`);
- NDJSON: one nested object per line.

Nothing is read whole: CSV files row by row, JSON item by item, so memory
stays flat however large the file. Each source can be read more than once
(the importer makes two passes).
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import mapping

_CHUNK = 1 << 16
# No single service or organization is this large; past it, the JSON is broken.
MAX_ITEM_CHARS = 64 << 20


class SourceError(Exception):
    """The input as a whole cannot be read; the message says why."""

    def __init__(self, file: str, reason: str, row: int | str = "") -> None:
        super().__init__(reason)
        self.file, self.reason, self.row = file, reason, row


@dataclass
class Record:
    """One row for one table, with where it came from."""

    table: str
    values: dict
    file: str
    row: int | str
    # For nested JSON: where in the item the row sits ("phones[0].").
    path: str = ""
    from_csv: bool = False
    ignored: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class HeaderProblem:
    file: str
    field: str
    reason: str
    fatal: bool


def open_source(path: Path):
    """Return the reader for `path`: a data package, JSON or NDJSON."""
    path = Path(path)
    if path.is_dir():
        return CsvPackage(path)
    if not path.exists():
        raise SourceError(str(path), "No such file or folder.")
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        return CsvPackage(path)
    if path.suffix.lower() == ".csv":
        raise SourceError(
            path.name,
            "A single CSV file is not a data package: give the folder or .zip "
            "that holds it and datapackage.json.",
        )
    return JsonSource(path)


# CSV data packages -------------------------------------------------------------


class CsvPackage:
    """An HSDS tabular data package, in a folder or a zip archive."""

    def __init__(self, path: Path):
        self.path = path
        self.is_zip = path.is_file()
        self.label = path.name
        names = self._names()
        if "datapackage.json" not in names:
            raise SourceError(
                self.label, "Not an HSDS data package: datapackage.json is missing."
            )
        try:
            descriptor = json.loads(self._read_bytes("datapackage.json"))
        except (ValueError, UnicodeDecodeError) as error:
            raise SourceError("datapackage.json", f"Not valid JSON: {error}") from None
        paths = {}
        if isinstance(descriptor, dict):
            for resource in descriptor.get("resources") or ():
                if isinstance(resource, dict) and isinstance(resource.get("path"), str):
                    paths[resource.get("name")] = resource["path"]
        # Made for spreadsheets: text cells carry a quote to remove.
        self.guarded = isinstance(descriptor, dict) and (
            descriptor.get(mapping.FORMULA_GUARD) is True
        )
        self.files: list[tuple[mapping.Table, str]] = []
        for table in mapping.TABLES:
            name = paths.get(table.name, table.file)
            if name in names:
                self.files.append((table, name))
        known = {name for _table, name in self.files} | {"datapackage.json"}
        self.extra_files = sorted(n for n in names if n not in known)

    def _names(self) -> set[str]:
        if not self.is_zip:
            return {p.name for p in self.path.iterdir() if p.is_file()}
        try:
            with zipfile.ZipFile(self.path) as archive:
                # A directory prefix inside the archive is allowed.
                return {Path(name).name for name in archive.namelist()}
        except (zipfile.BadZipFile, OSError) as error:
            raise SourceError(
                self.label, f"Not a readable zip archive: {error}"
            ) from None

    def _member(self, archive: zipfile.ZipFile, name: str) -> str:
        for member in archive.namelist():
            if Path(member).name == name:
                return member
        raise KeyError(name)

    def _read_bytes(self, name: str) -> bytes:
        if not self.is_zip:
            return (self.path / name).read_bytes()
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(self._member(archive, name))

    def _open_text(self, name: str, stack):
        if not self.is_zip:
            return stack(open(self.path / name, encoding="utf-8-sig", newline=""))
        archive = stack(zipfile.ZipFile(self.path))
        raw = stack(archive.open(self._member(archive, name)))
        return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")

    def header_problems(self) -> list[HeaderProblem]:
        """Check each file's columns: required ones present, unknown ones noted."""
        problems = []
        for name in self.extra_files:
            if name in mapping.UNSUPPORTED_FILES:
                reason = "Not imported: this directory has no place for this table."
            else:
                reason = "Not an HSDS file; ignored."
            problems.append(HeaderProblem(name, "", reason, fatal=False))
        for table, name in self.files:
            header = self.header(name)
            for column in table.required_columns:
                if column not in header:
                    problems.append(
                        HeaderProblem(name, column, "Required column is missing.", True)
                    )
            for column in header:
                if column not in table.by_name:
                    problems.append(
                        HeaderProblem(
                            name,
                            column,
                            "Unknown column; no place to keep it, ignored.",
                            False,
                        )
                    )
        return problems

    def header(self, name: str) -> list[str]:
        from contextlib import ExitStack

        with ExitStack() as stack:
            try:
                text = self._open_text(name, stack.enter_context)
                return next(csv.reader(text), [])
            except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError) as error:
                raise SourceError(name, f"Cannot be read: {error}") from None

    def records(self) -> Iterator[Record]:
        from contextlib import ExitStack

        for table, name in self.files:
            with ExitStack() as stack:
                try:
                    text = self._open_text(name, stack.enter_context)
                    reader = csv.DictReader(text)
                    for values in reader:
                        values.pop(None, None)  # cells beyond the header
                        if self.guarded:
                            values = {
                                key: mapping.unguard_cell(value)
                                if isinstance(value, str)
                                else value
                                for key, value in values.items()
                            }
                        yield Record(
                            table.name, values, name, reader.line_num, from_csv=True
                        )
                except (
                    zipfile.BadZipFile,
                    OSError,
                    EOFError,
                    UnicodeDecodeError,
                    csv.Error,
                ) as error:
                    raise SourceError(name, f"Cannot be read: {error}") from None


# JSON and NDJSON -----------------------------------------------------------------


class _Stream:
    """Decode JSON values one at a time from a text file, in bounded memory."""

    def __init__(self, handle):
        self.handle = handle
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()
        self.consumed = 0  # characters before buffer[0], for error positions

    def _fill(self) -> bool:
        if self.eof:
            return False
        # Doubling, so that a large item is decoded a few times, not hundreds.
        chunk = self.handle.read(max(_CHUNK, len(self.buffer) - self.pos))
        if not chunk:
            self.eof = True
            return False
        self.consumed += self.pos
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """Return the next non-blank character ("" at the end), not consuming it."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            self.fail(f"expected {char!r}, found {found or 'the end of the file'!r}")
        self.pos += 1

    def value(self):
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                # Perhaps only incomplete in the buffer: read more, within reason.
                if len(self.buffer) - self.pos < MAX_ITEM_CHARS and self._fill():
                    continue
                self.fail(error.msg, at=error.pos)
            # A number at the very end of the buffer may continue in the next chunk.
            if end == len(self.buffer) and not self.eof and self._fill():
                continue
            self.pos = end
            return value

    def fail(self, message: str, at: int | None = None):
        offset = self.consumed + (self.pos if at is None else at)
        raise ValueError(f"Invalid JSON near character {offset}: {message}.")


class JsonSource:
    """A JSON document or NDJSON lines of nested HSDS objects."""

    def __init__(self, path: Path):
        self.path = path
        self.label = path.name
        self.hint = mapping.kind_of_file(path.name)

    def header_problems(self) -> list[HeaderProblem]:
        return []

    def items(self) -> Iterator[tuple[int, dict]]:
        """Yield (number, item) for each top-level service or organization."""
        try:
            with open(self.path, encoding="utf-8-sig") as handle:
                stream = _Stream(handle)
                number = 0
                first = stream.peek()
                if first not in "[{" or first == "":
                    stream.fail("a JSON object or array must come first")
                while stream.peek():
                    kind = stream.peek()
                    if kind == "[":
                        stream.expect("[")
                        for item in self._array(stream):
                            number += 1
                            yield number, item
                    elif kind == "{":
                        for item in self._object(stream):
                            number += 1
                            yield number, item
                    else:
                        stream.fail("expected another JSON object")
        except UnicodeDecodeError as error:
            raise SourceError(self.label, f"Not UTF-8 text: {error}") from None
        except ValueError as error:
            raise SourceError(self.label, str(error)) from None

    def _array(self, stream: _Stream) -> Iterator:
        if stream.peek() == "]":
            stream.expect("]")
            return
        while True:
            yield stream.value()
            if stream.peek() == ",":
                stream.expect(",")
                continue
            stream.expect("]")
            return

    def _object(self, stream: _Stream) -> Iterator:
        """Yield the items of a page's `contents`, or the object itself."""
        stream.expect("{")
        fields = {}
        paged = False
        if stream.peek() == "}":
            stream.expect("}")
            yield fields
            return
        while True:
            key = stream.value()
            if not isinstance(key, str):
                stream.fail("object keys must be strings")
            stream.expect(":")
            if key == "contents" and stream.peek() == "[":
                stream.expect("[")
                paged = True
                yield from self._array(stream)
            else:
                fields[key] = stream.value()
            if stream.peek() == ",":
                stream.expect(",")
                continue
            stream.expect("}")
            break
        if not paged:
            yield fields

    def records(self) -> Iterator[Record]:
        for number, item in self.items():
            if not isinstance(item, dict):
                yield Record("service", {"__invalid__": item}, self.label, number)
                continue
            try:
                kind = mapping.detect_kind(item, hint=self.hint)
            except mapping.Unplaced as error:
                unplaced = {"__unplaced__": str(error)}
                yield Record("service", unplaced, self.label, number)
                continue
            for flat in mapping.flatten(item, kind):
                yield Record(
                    flat.table,
                    flat.values,
                    self.label,
                    number,
                    path=flat.path,
                    ignored=flat.ignored,
                    notes=flat.notes,
                )

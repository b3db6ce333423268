"""The checker's start-up snapshot (hooks/browser_bundle.py): made, packed and cached.

A Pyodide memory snapshot taken with decision_aid imported and docs/assets/checker/bridge.py
run (hooks/pyodide_prepare.mjs), through a private Pyodide API: the browser checks the
restored interpreter against the probe and otherwise starts from bytecode, and a build
where it cannot be made ships none.

Packed for the wire as ``decision_aid.snapshot.gzip``: the memory image without its
all-zero pages (sparse()), its static data XORed with what a fresh instance starts with
(so nearly all zeros), gzipped: 31 MB of memory, about 3.3 MB to download. Beside it,
``python_stdlib.zip``: the standard library a restored interpreter is given, which holds
only what it has not imported yet (usually nothing). Reproducible: the same inputs give
the same bytes, so a redeploy keeps the hashed name and nobody downloads it again.
"""

from __future__ import annotations

import gzip
import logging
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError

try:
    from . import bundle_runtime as rt
except ImportError:   # loaded by MkDocs from hooks/, which is then on sys.path
    import bundle_runtime as rt

log = logging.getLogger("mkdocs.hooks.browser_bundle")

SNAPSHOT = "decision_aid.snapshot" + rt.GZIP
REST = rt.STDLIB
MAGIC = b"HSBSNAP2"
HEADER = struct.Struct("<8sIIII")    # magic, memory size, runs, XOR offset, XOR length
PAGE = 4096


@dataclass(frozen=True)
class Snapshot:
    file: Path            # decision_aid.snapshot.gzip
    rest: Path            # the standard library it is restored with
    memory: int           # the size of the memory image


def sparse(raw: bytes, xor_offset: int = 0, xor_length: int = 0) -> bytes:
    """The snapshot without its all-zero pages: header, (offset, length) runs, then the runs' bytes.

    The browser rebuilds it into a zeroed buffer, then XORs ``xor_length`` bytes from
    ``xor_offset`` with a fresh instance's memory (docs/assets/checker/worker.js).
    """
    zero = bytes(PAGE)
    runs: list[tuple[int, int]] = []
    start = None
    for offset in range(0, len(raw), PAGE):
        empty = raw[offset:offset + PAGE] == zero[:len(raw) - offset]
        if not empty and start is None:
            start = offset
        elif empty and start is not None:
            runs.append((start, offset - start))
            start = None
    if start is not None:
        runs.append((start, len(raw) - start))
    header = HEADER.pack(MAGIC, len(raw), len(runs), xor_offset, xor_length)
    table = b"".join(struct.pack("<II", o, n) for o, n in runs)
    return header + table + b"".join(raw[o:o + n] for o, n in runs)


def unsparse(data: bytes) -> tuple[bytes, int, int]:
    """What worker.js does with the file before the XOR: (memory image, XOR offset, XOR length)."""
    magic, total, count, xor_offset, xor_length = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError("not a sparse snapshot")
    memory = bytearray(total)
    position = HEADER.size + count * 8
    for i in range(count):
        offset, length = struct.unpack_from("<II", data, HEADER.size + i * 8)
        memory[offset:offset + length] = data[position:position + length]
        position += length
    if position != len(data):
        raise ValueError("trailing bytes")
    return bytes(memory), xor_offset, xor_length


def memory_size(packed: Path) -> int:
    with gzip.open(packed, "rb") as f:
        return HEADER.unpack(f.read(HEADER.size))[1]


def make(npm: Path, runtime: str, stdlib: Path, wheel_path: Path, bridge: Path, cache: Path) -> Snapshot | None:
    key = "snapshot-" + rt.sha(runtime.encode(), rt.file_sha(stdlib).encode(), rt.file_sha(wheel_path).encode(),
                               rt.NODE_SCRIPT.read_bytes(), bridge.read_bytes())[:16]
    folder = cache / key
    target, rest, failed = folder / SNAPSHOT, folder / REST, folder / "failed.txt"
    if target.is_file() and rest.is_file():
        return Snapshot(target, rest, memory_size(target))
    if failed.is_file():
        return None
    log.info("Making the checker's start-up snapshot...")
    folder.mkdir(parents=True, exist_ok=True)
    raw_file, rest_tmp = folder / f".{os.getpid()}.raw", rt.temporary(rest)
    try:
        made = rt.node("snapshot", npm, stdlib, wheel_path, bridge, raw_file, rest_tmp, what="Making the snapshot")
    except PluginError as e:
        # The snapshot is an optional speed-up through a private API: the checker works without it.
        failed.write_text(str(e), encoding="utf-8")
        log.info("No start-up snapshot (the checker will start from bytecode): %s", str(e).splitlines()[0])
        return None
    packed = rt.temporary(folder / "decision_aid.snapshot")
    packed.write_bytes(sparse(raw_file.read_bytes(), made["xorOffset"], made["xorLength"]))
    raw_file.unlink()
    rt.publish(rest_tmp, rest)
    rt.gzipped(packed, target)      # last: the folder is complete once this file is there
    packed.unlink()
    return Snapshot(target, rest, memory_size(target))

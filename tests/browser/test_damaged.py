"""A damaged copy of the site never hangs the checker, and never makes it answer wrongly.

Each case copies the built site and damages it (no rebuild): the start-up snapshot
zeroed at several offsets, truncated, or taken from another build; the same with its
SHA-256 in bundle.json changed to match (as a faulty build would publish it), which only
the probe and the watchdog can catch; missing or damaged runtime files, wheel, file list
and worker; gzipped files damaged with their SHA-256 changed to match, which only gzip's
own check (CRC-32, length) can catch. The checker must, within a bound, either be ready (from bytecode) and give
CPython's answers, or fail with the plain "incomplete site" message: no traceback, no
path, no blame on the browser. A damaged copy saved by the service worker is replaced,
and offline the checker still starts from bytecode.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pytest

from hooks import bundle_runtime, bundle_snapshot
from .harness import Server, service_worker_visit
from .variants import (ASSESS_ALL, SETTLE, bundle, copy_site, cpython, file_of, plain, rehash, sample_situations,
                       write_bundle, zero)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BOUND_MS = 60_000   # the watchdog allows a snapshot 10 s once its files are in, then starts from bytecode
WASM = "pyodide.asm.wasm.gzip"
INCOMPLETE = "This copy of the site is incomplete; the traffic light tables and What happens next still work."


@pytest.fixture(scope="module")
def foreign_snapshot(site, tmp_path_factory) -> Path:
    """A snapshot of another build: the same files, with one more name defined before it was taken."""
    folder = tmp_path_factory.mktemp("foreign")
    checker_dir = site / "assets" / "checker"
    b = bundle(site)
    if not b["snapshot"]:
        pytest.skip("built without a snapshot")
    bridge = folder / "bridge.py"
    bridge.write_text((checker_dir / "bridge.py").read_text(encoding="utf-8") + "\nHSB_ANOTHER_BUILD = 1\n")
    stdlib = folder / "python_stdlib.zip"
    stdlib.write_bytes(gzip.decompress((checker_dir / b["stdlib"]).read_bytes()))
    raw, rest = folder / "raw.bin", folder / "rest.zip"
    made = bundle_runtime.node("snapshot", ROOT / "node_modules" / "pyodide", stdlib, checker_dir / b["wheel"], bridge,
                               raw, rest, what="a snapshot of another build")
    assert rest.read_bytes() == file_of(site, b["snapshotStdlib"]).read_bytes()
    packed = folder / "decision_aid.snapshot"
    packed.write_bytes(bundle_snapshot.sparse(raw.read_bytes(), made["xorOffset"], made["xorLength"]))
    out = bundle_runtime.gzipped(packed, folder / bundle_snapshot.SNAPSHOT)
    assert out.read_bytes() != file_of(site, b["snapshot"]).read_bytes()
    return out


@pytest.fixture
def damaged(site, tmp_path, new_context):
    """Copy the site, let the test damage it, then open the checker on it: (page, outcome)."""
    servers = []

    def open_checker(damage):
        copy = copy_site(site, tmp_path / "site")
        damage(copy)
        server = Server(copy).start()
        servers.append(server)
        page = new_context().new_page()
        page.goto(server.url + "check/")
        return page, page.evaluate(SETTLE, BOUND_MS)

    yield open_checker
    for server in servers:
        server.stop()


def snapshot_of(site: Path) -> Path:
    return file_of(site, bundle(site)["snapshot"])


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def assert_answers_like_cpython(page) -> None:
    cases = sample_situations()
    assert page.evaluate(ASSESS_ALL, cases) == [cpython(s) for s in cases]


def assert_honest_failure(outcome) -> None:
    assert "failed" in outcome, outcome
    failed = outcome["failed"]
    assert failed["kind"] == "incomplete-site", failed
    assert failed["message"] == INCOMPLETE
    assert plain(failed["message"])


SNAPSHOT_DAMAGE = {
    "zeroed 1 MiB at 10%": lambda s: zero(snapshot_of(s), 0.10),
    "zeroed 1 MiB in the middle": lambda s: zero(snapshot_of(s), 0.50),
    "zeroed 1 MiB at 90%": lambda s: zero(snapshot_of(s), 0.90),
    "truncated": lambda s: truncate(snapshot_of(s)),
    # As a faulty build would publish it: the hash in bundle.json matches the damage.
    "zeroed in the middle, its hash updated": lambda s: (zero(snapshot_of(s), 0.50), rehash(s, bundle(s)["snapshot"])),
}


@pytest.mark.parametrize("case", list(SNAPSHOT_DAMAGE))
def test_a_damaged_snapshot_ends_ready_from_bytecode_with_correct_answers(damaged, case):
    page, outcome = damaged(SNAPSHOT_DAMAGE[case])
    assert "ready" in outcome, outcome
    assert outcome["ready"]["mode"] == "bytecode"
    assert_answers_like_cpython(page)


def test_a_snapshot_from_another_build_is_refused(damaged, foreign_snapshot):
    page, outcome = damaged(lambda s: shutil.copyfile(foreign_snapshot, snapshot_of(s)))
    assert outcome["ready"]["mode"] == "bytecode", outcome
    assert_answers_like_cpython(page)


def without_snapshot(site: Path) -> None:
    content = bundle(site)
    content["snapshot"] = None
    write_bundle(site, content)


def damage_gzip(site: Path, rel: str) -> None:
    """Bytes changed inside the compressed data, and the SHA-256 in bundle.json changed to match."""
    zero(file_of(site, rel), 0.5, length=4096)
    rehash(site, rel)


def damage_wheel(site: Path, rehashed: bool) -> None:
    without_snapshot(site)
    wheel = file_of(site, bundle(site)["wheel"])
    zero(wheel, 0.3, length=wheel.stat().st_size // 3)
    if rehashed:
        rehash(site, bundle(site)["wheel"])


BROKEN = {
    "the WebAssembly truncated": lambda s: truncate(file_of(s, bundle(s)["runtime"] + WASM)),
    "the WebAssembly's gzip damaged, its hash updated": lambda s: damage_gzip(s, bundle(s)["runtime"] + WASM),
    "the glue's gzip damaged, its hash updated": lambda s: damage_gzip(s, bundle(s)["runtime"] + "pyodide.asm.mjs.gzip"),
    "the standard library's gzip damaged, its hash updated": lambda s: (without_snapshot(s),
                                                                        damage_gzip(s, bundle(s)["stdlib"])),
    "the standard library missing": lambda s: (without_snapshot(s), file_of(s, bundle(s)["stdlib"]).unlink()),
    "the lock file missing": lambda s: file_of(s, bundle(s)["runtime"] + "pyodide-lock.json").unlink(),
    "the Pyodide loader damaged": lambda s: zero(file_of(s, bundle(s)["runtime"] + "pyodide.mjs"), 0.2, 4096),
    "the wheel damaged": lambda s: damage_wheel(s, rehashed=False),
    "the wheel damaged, its hash updated": lambda s: damage_wheel(s, rehashed=True),
    "the file list missing": lambda s: (s / "assets" / "checker" / "bundle.json").unlink(),
    "the worker missing": lambda s: (s / "assets" / "checker" / "worker.js").unlink(),
    "the worker damaged": lambda s: (s / "assets" / "checker" / "worker.js").write_text("export const = ;\n"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_site_files_give_the_incomplete_site_message(damaged, case):
    page, outcome = damaged(BROKEN[case])
    assert_honest_failure(outcome)
    shown = page.inner_text("#hsb-checker") + page.inner_text("#hsb-unavailable")
    assert plain(shown), shown
    # A call after the failure says the same, at once.
    again = page.evaluate("() => window.decisionAid.assess({age: 11}).then(() => null, e => e.kind)")
    assert again == "incomplete-site"


CORRUPT_SAVED = """async (url) => {
  let found = 0;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    if (await cache.match(url)) { await cache.put(url, new Response(new Uint8Array(4096))); found++; }
  }
  return found;
}"""

SAVED_SHA = """async (url) => {
  const hit = await caches.match(url);
  if (!hit) return null;
  const digest = await crypto.subtle.digest("SHA-256", await hit.arrayBuffer());
  return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, "0")).join("");
}"""


def test_a_damaged_saved_snapshot_is_replaced_online_and_skipped_offline(site, tmp_path, browser):
    copy = copy_site(site, tmp_path / "site")
    rel = bundle(copy)["snapshot"]
    expected = hashlib.sha256(file_of(copy, rel).read_bytes()).hexdigest()
    with service_worker_visit(browser, copy) as (page, server):
        url = server.url + "assets/checker/" + rel
        assert page.evaluate(CORRUPT_SAVED, url) == 1

        page.reload()
        outcome = page.evaluate(SETTLE, BOUND_MS)
        assert outcome["ready"]["mode"] == "snapshot", "downloaded again and checked"
        assert page.evaluate(SAVED_SHA, url) == expected, "the good copy is saved in place of the damaged one"

        assert page.evaluate(CORRUPT_SAVED, url) == 1
        server.stop()
        response = page.reload()
        assert response.from_service_worker
        outcome = page.evaluate(SETTLE, BOUND_MS)
        assert outcome["ready"]["mode"] == "bytecode", outcome
        assert_answers_like_cpython(page)


def test_a_worker_that_stops_answering_is_replaced_and_the_next_calls_work(context, base_url):
    page = context.new_page()
    page.goto(base_url + "check/")
    assert "ready" in page.evaluate(SETTLE, BOUND_MS)
    worker = next(w for w in page.workers if w.url.endswith("/assets/checker/worker.js"))
    # Python's thread stops answering (busy for a minute): the call must not wait for ever.
    worker.evaluate("() => { setTimeout(() => { const end = Date.now() + 60000; while (Date.now() < end); }, 0); }")
    stuck = page.evaluate(ASSESS_ALL, sample_situations()[:1])[0]
    assert stuck["kind"] == "timeout" and plain(stuck["error"]), stuck
    assert "restarted" in stuck["error"]
    assert_answers_like_cpython(page)

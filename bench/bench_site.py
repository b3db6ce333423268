"""What the benchmark scripts share: a strict build of the site, and the machine's load."""

from __future__ import annotations

import functools
import gzip
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_site(into: Path, config: Path = ROOT / "mkdocs.yml") -> Path:
    print("Building the site...", flush=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(into)],
                   cwd=config.parent, env=env, check=True)
    return into


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (figures are noisy while other work runs: 2 cores here)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class GzipHost:
    """A static server for ``site`` on 127.0.0.1 that gzips text files, as most hosts do
    (GitHub Pages, Netlify, nginx with gzip_types): for figures "on a gzip-serving host".
    In this process, on a thread; ``with GzipHost(site) as url: ...``."""

    TEXT = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".py", ".map")

    def __init__(self, site: Path):
        sys.path.insert(0, str(ROOT / "tests" / "browser"))
        from server import Handler, Server  # the test server's MIME types

        text = self.TEXT

        class Gzipping(Handler):
            def send_head(self):
                path = Path(self.translate_path(self.path))
                if path.is_dir():
                    path = path / "index.html"
                gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
                if not (gzip_ok and path.is_file() and path.name.endswith(text)):
                    return super().send_head()
                if Path(self.translate_path(self.path)).is_dir() and not self.path.split("?")[0].endswith("/"):
                    return super().send_head()   # the redirect to the folder's address
                body = gzip.compress(path.read_bytes(), 6)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)

        self.httpd = Server(("127.0.0.1", 0), functools.partial(Gzipping, directory=str(site)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

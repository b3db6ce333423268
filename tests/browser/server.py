"""A small static HTTP server for the browser tests and the benchmark.

    python tests/browser/server.py <directory> [--port N]

Binds 127.0.0.1 only, prints "serving http://127.0.0.1:<port>/" once it is listening
(port 0 picks a free one), and serves with the MIME types Pyodide needs (.mjs as
text/javascript, .wasm as application/wasm). It sends no caching headers, like a plain
static host, and logs nothing. Run it with ``subprocess.Popen([sys.executable, ...])``
so that the recorded process id is the server's own (a test kills it to go offline).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys

TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".bin": "application/octet-stream",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = Server(("127.0.0.1", args.port), functools.partial(Handler, directory=args.directory))
    print(f"serving http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()


if __name__ == "__main__":
    main()

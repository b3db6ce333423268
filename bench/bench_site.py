"""What the benchmark scripts share: a strict build of the site, and the machine's load."""

from __future__ import annotations

import os
import subprocess
import sys
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

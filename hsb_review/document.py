"""A tiny report model, rendered as plain text for the terminal or Markdown for the site."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Block:
    """A titled group of lines, with optional sub-groups."""

    title: str
    lines: list[str] = field(default_factory=list)
    children: list["Block"] = field(default_factory=list)
    intro: str = ""

    def add(self, title: str, lines: list[str] | None = None, intro: str = "") -> "Block":
        child = Block(title, list(lines or []), intro=intro)
        self.children.append(child)
        return child

    def empty(self) -> bool:
        return not self.lines and not self.intro and all(c.empty() for c in self.children)


def _wrap(text: str, width: int, indent: str, first: str) -> list[str]:
    words = text.split(" ")
    out: list[str] = []
    line = first
    for w in words:
        if len(line) + len(w) + 1 > width and line.strip() not in ("", first.strip()):
            out.append(line.rstrip())
            line = indent
        line += w + " "
    out.append(line.rstrip())
    return out


def render_text(block: Block, width: int = 100) -> str:
    out: list[str] = []

    def walk(b: Block, depth: int) -> None:
        pad = "  " * max(depth - 1, 0)
        if depth == 0:
            out.extend([b.title, "=" * len(b.title)])
        else:
            out.append("")
            out.append(pad + b.title)
            out.append(pad + ("-" if depth == 1 else "~") * len(b.title))
        if b.intro:
            out.extend(_wrap(b.intro, width, pad, pad))
        for line in b.lines:
            out.extend(_wrap(line, width, pad + "    ", pad + "  - "))
        for c in b.children:
            walk(c, depth + 1)

    walk(block, 0)
    return "\n".join(out).rstrip() + "\n"


def md_escape(text: str) -> str:
    """Keep the board's words literal in Markdown: no accidental emphasis, tags or links."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([*_`\[\]<>#|])", r"\\\1", text)
    return text


def render_markdown(block: Block, front_matter: dict[str, str] | None = None) -> str:
    out: list[str] = []
    if front_matter:
        out.append("---")
        out.extend(f"{k}: {v}" for k, v in front_matter.items())
        out.append("---")
        out.append("")

    def walk(b: Block, depth: int) -> None:
        out.append(f"{'#' * (depth + 1)} {md_escape(b.title)}")
        out.append("")
        if b.intro:
            out.extend([md_escape(b.intro), ""])
        if b.lines:
            out.extend(f"- {md_escape(line)}" for line in b.lines)
            out.append("")
        for c in b.children:
            walk(c, min(depth + 1, 5))

    walk(block, 0)
    return "\n".join(out).rstrip() + "\n"

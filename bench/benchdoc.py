"""Rewrites one marked section of docs/benchmarks.md, so each benchmark owns its own table."""
import os
import re

DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "benchmarks.md")


def write_section(marker, title, body):
    """Replaces the text between <!-- MARKER:BEGIN --> and <!-- MARKER:END --> with `body`, or
    appends a new section titled `title` if the markers are not there yet."""
    block = f"<!-- {marker}:BEGIN (written by bench/) -->\n{body}\n<!-- {marker}:END -->"
    text = open(DOC, encoding="utf-8").read() if os.path.exists(DOC) else "# Benchmarks\n"
    pattern = rf"<!-- {marker}:BEGIN.*?<!-- {marker}:END -->"
    if re.search(pattern, text, flags=re.S):
        text = re.sub(pattern, lambda _: block, text, flags=re.S)
    else:
        text += f"\n## {title}\n\n{block}\n"
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(text)

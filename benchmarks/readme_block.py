"""Rewrite one generated block of the README: the text between ``<!-- name -->`` and
``<!-- /name -->``.

The benchmarks (`bench_em.py --readme`, `notebook_times.py --readme`) and `make screenshots`
each own one such block; everything outside the markers is left as it is.
"""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def replace_block(name: str, block: str, readme: Path = README) -> None:
    """Put ``block`` between the README's ``<!-- name -->`` and ``<!-- /name -->`` markers.

    Raises ``ValueError`` naming the marker when either is missing.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "README.md"
    >>> _ = path.write_text("a\\n<!-- t -->\\nold\\n<!-- /t -->\\nb\\n", encoding="utf-8")
    >>> replace_block("t", "new", path)
    >>> path.read_text(encoding="utf-8")
    'a\\n<!-- t -->\\nnew\\n<!-- /t -->\\nb\\n'
    """
    start_mark, end_mark = f"<!-- {name} -->", f"<!-- /{name} -->"
    text = readme.read_text(encoding="utf-8")
    if start_mark not in text or end_mark not in text:
        raise ValueError(f"{readme}: needs the markers {start_mark} and {end_mark}")
    start, end = text.index(start_mark) + len(start_mark), text.index(end_mark)
    readme.write_text(text[:start] + "\n" + block + "\n" + text[end:], encoding="utf-8")

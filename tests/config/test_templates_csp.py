"""Templates stay ready for a strict content security policy: no inline styles, no inline
script code and no event-handler attributes. Styles live in static/css/lantern.css,
behaviour in static/js/, and data for scripts goes through `json_script`."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for path in ROOT.rglob("templates/**/*.html")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)


def problems(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if STYLE_ATTRIBUTE.search(line):
            found.append(f"line {number}: inline style= attribute")
        if EVENT_HANDLER.search(line):
            found.append(f"line {number}: inline event handler")
    for match in SCRIPT.finditer(text):
        if match.group(2).strip():
            line = text[: match.start()].count("\n") + 1
            found.append(f"line {line}: inline <script> with code")
    return found


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_template_has_no_inline_style_or_script(path):
    assert problems(path.read_text()) == []


@pytest.mark.parametrize(
    "snippet",
    [
        '<div style="color: red">',
        "<p class=x STYLE='margin:0'>",
        "<script>alert(1)</script>",
        '<script type="module">\n import x from "y";\n</script>',
        '<button onclick="go()">',
    ],
)
def test_the_check_catches_what_a_strict_policy_would_block(snippet):
    assert problems(snippet) != []


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/js/worklist.js"></script>',
        "{{ data|json_script:'dashboard-data' }}",
        '<p class="style-note">A style guide</p>',
    ],
)
def test_the_check_lets_through_what_a_strict_policy_allows(snippet):
    assert problems(snippet) == []

"""What every page and form shares: ZET's own Dutch validation messages (never the browser's
English ones), and a favicon."""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_every_form_leaves_validation_to_the_server():
    forms = [(path.relative_to(TEMPLATES), tag) for path in TEMPLATES.rglob("*.html")
             for tag in re.findall(r"<form\b[^>]*>", path.read_text())]
    assert len(forms) > 20
    assert [f for f in forms if "novalidate" not in f[1]] == []


def test_pages_have_a_favicon(client, anonymous):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    with anonymous.get("/static/favicon.svg") as icon:   # a file response: close it
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data(as_text=True).startswith("<svg")

"""The toegankelijkheidsverklaring: public, linked from every page, and it says what is tested."""
from tests.helpers import page_text


def test_the_accessibility_statement_is_public_and_names_the_standard(anonymous):
    response = anonymous.get("/toegankelijkheid")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "WCAG) 2.1, niveau AA" in text and "EN 301 549" in text
    assert "axe-core" in text and "Wat nog niet goed is" in text


def test_every_page_links_to_the_statement(client, anonymous):
    assert '<a href="/toegankelijkheid">Toegankelijkheid</a>' in page_text(client, "/")
    assert '<a href="/toegankelijkheid">Toegankelijkheid</a>' in page_text(anonymous, "/login")

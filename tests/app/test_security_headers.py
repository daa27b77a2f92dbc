"""Security headers on every response, error pages included."""

import pytest


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path, status", [("/auth/login", 200), ("/no-such-page", 404)])
def test_headers_on_pages_and_error_pages(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_405_and_413_pages_have_headers_and_no_trace(app, client):
    response = client.put("/auth/login")
    assert response.status_code == 405
    assert_security_headers(response)
    app.config["MAX_CONTENT_LENGTH"] = 10
    big = client.post("/auth/login", data={"username": "x" * 100})
    assert big.status_code == 413
    assert "Traceback" not in big.get_data(as_text=True)


def test_signed_in_pages_are_not_stored(client, auth, make_user):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    assert client.get("/hr/users").headers["Cache-Control"] == "no-store"


def test_unexpected_error_is_a_friendly_page(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret detail" not in body and "Något gick fel" in body
    assert_security_headers(response)


def test_no_inline_script_or_style_in_pages(client):
    body = client.get("/auth/login").get_data(as_text=True)
    assert "<script" not in body and "style=" not in body and "<style" not in body

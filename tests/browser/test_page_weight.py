"""Issue 5: the respondent's first load fits in 14 KB gzipped, all from our own origin."""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest

from tests.browser.checks import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser

BUDGET = 14 * 1024  # bytes after gzip: about what fits in the first TCP round trips


@dataclass(frozen=True)
class Resource:
    url: str
    status: int
    raw: int
    gzipped: int
    headers: int  # response header bytes as sent over HTTP/1.1 (not compressed)


class _References(HTMLParser):
    """Every URL the markup asks the browser to load (not links it merely offers)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("href"):
            self.urls.append(a["href"])
        elif tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.urls.append(a["src"])
        if a.get("srcset"):
            self.urls += [part.strip().split()[0] for part in a["srcset"].split(",") if part.strip()]
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"])


def referenced_urls(html: str, base: str, content_type: str) -> list[str]:
    """Absolute URLs referenced by an HTML page or a stylesheet (url() and @import)."""
    if "css" in content_type:
        found = re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", html)
        urls = [a or b for a, b in found]
    else:
        parser = _References()
        parser.feed(html)
        urls = parser.urls
    return [urljoin(base, u) for u in urls if not u.startswith("data:")]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def header_bytes(pairs) -> int:
    """Size of a response head: status line plus `Name: value` lines."""
    return len("HTTP/1.1 200 OK\r\n\r\n") + sum(len(f"{n}: {v}\r\n".encode()) for n, v in pairs)


def weigh(url: str, status: int, body: bytes, headers) -> Resource:
    return Resource(url, status, len(body), len(gzip.compress(body, 6)), header_bytes(headers))


def redirect_body(url: str) -> bytes:
    """A redirect's own body (Playwright does not expose it); fetched once more, unfollowed."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(url)
    except urllib.error.HTTPError as redirect:
        return redirect.read()
    raise AssertionError(f"{url} did not redirect")


def first_load(context, path: str, origin: str) -> tuple[list[Resource], list[str]]:
    """Load `path` in a fresh context (empty cache) and weigh every response, gzip -6."""
    page = context.new_page()
    requested: list[str] = []
    responses = []
    page.on("request", lambda r: requested.append(r.url))
    page.on("response", lambda r: responses.append(r))
    page.goto(path)
    page.wait_for_load_state("networkidle")
    resources, seen = [], set()
    pending = []
    for response in responses:
        url = response.url
        if 300 <= response.status < 400:
            body = redirect_body(url)
        else:
            body = response.body()
            pending.append((url, body, response.headers.get("content-type", "")))
        seen.add(url)
        pairs = [(h["name"], h["value"]) for h in response.headers_array()]
        resources.append(weigh(url, response.status, body, pairs))
    # Whatever the markup or the stylesheets reference and the browser did not fetch
    # (an icon, a lazy image) still counts: fetch it here.
    while pending:
        url, body, content_type = pending.pop()
        if "html" not in content_type and "css" not in content_type:
            continue
        for ref in referenced_urls(body.decode("utf-8", "replace"), url, content_type):
            requested.append(ref)
            if ref in seen or not ref.startswith(origin):
                continue
            seen.add(ref)
            fetched = context.request.get(ref)
            data = fetched.body()
            pending.append((ref, data, fetched.headers.get("content-type", "")))
            pairs = [(h["name"], h["value"]) for h in fetched.headers_array]
            resources.append(weigh(ref, fetched.status, data, pairs))
    page.close()
    return resources, requested


def report(name: str, resources: list[Resource], origin: str) -> str:
    gzipped, heads = sum(r.gzipped for r in resources), sum(r.headers for r in resources)
    lines = [f"{name}: {gzipped} bytes gzipped ({sum(r.raw for r in resources)} raw) of {BUDGET} "
             f"allowed; with response headers {gzipped + heads}"]
    for r in resources:
        path = r.url[len(origin):] if r.url.startswith(origin) else r.url
        path = re.sub(r"^/s/[A-Za-z0-9_-]{16,}$", "/s/<token>", path)
        lines.append(f"    {r.status} {path:<20} raw {r.raw:>6}  gzip {r.gzipped:>6}  headers {r.headers:>5}")
    return "\n".join(lines)


def test_start_page_and_step_1_weigh_at_most_14_kb(new_context, live_server, record_property):
    origin = live_server.url
    link = live_server.invite()
    phone = new_context(PHONE)
    start, start_requests = first_load(phone, link, origin)
    assert [r.status for r in start if urlparse(r.url).path == "/s/"] == [200]
    # Step 1 on a cold cache too: a new context that only carries the session cookie.
    cold = new_context(PHONE, storage_state=phone.storage_state())
    step1, step1_requests = first_load(cold, "/s/step/1", origin)
    assert [r.status for r in step1 if r.url.endswith("/s/step/1")] == [200]

    text = "\n".join([report("start page (/s/<token> -> /s/)", start, origin),
                      report("step 1 (/s/step/1)", step1, origin)])
    print("\n" + text)
    record_property("page_weight", text)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-weight.txt").write_text(text + "\n", encoding="utf-8")

    for requests in (start_requests, step1_requests):
        foreign = [u for u in requests if not u.startswith(origin + "/") and not u.startswith("data:")]
        assert not foreign, f"requests to other origins: {foreign}"
    assert any(r.url.endswith("/static/app.css") for r in start), "the stylesheet was not counted"
    for name, resources in (("start page", start), ("step 1", step1)):
        total = sum(r.gzipped for r in resources)
        assert total <= BUDGET, f"{name} weighs {total} bytes gzipped, over {BUDGET}:\n{text}"
        with_heads = total + sum(r.headers for r in resources)
        assert with_heads <= BUDGET, f"{name} with headers weighs {with_heads}, over {BUDGET}"

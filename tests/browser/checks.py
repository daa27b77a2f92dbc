"""What the browser tests check on every page: axe-core, width, target size, screenshots."""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from survey_app.security import CONTENT_SECURITY_POLICY

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MIN_TARGET = 44  # px: a thumb, not a mouse pointer
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 568}  # the narrowest phones still in use
DESKTOP = {"width": 1280, "height": 800}
_axe = Axe()


def axe_violations(page, replay=None) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on `page`.

    axe needs JavaScript. A page in a context without it is replayed: its DOM is served
    under the same URL, with the app's Content-Security-Policy, to `replay` (a page in a
    JavaScript context of the same size), and axe runs there on the very same markup.
    """
    target = page
    if replay is not None:
        url, html = page.url.split("#")[0], page.content()

        def serve(route):
            route.fulfill(status=200, body=html, headers={
                "content-type": "text/html; charset=utf-8",
                "content-security-policy": CONTENT_SECURITY_POLICY})

        replay.route(lambda u: u.split("#")[0] == url, serve)
        try:
            replay.goto(url)
        finally:
            replay.unroute_all()
        target = replay
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return _axe.run(target, options=options).response["violations"]


def describe_violations(violations: list[dict]) -> str:
    """A report a person can act on: rule, impact, help link, each element and why."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}\n  {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page, name: str, replay=None) -> None:
    violations = axe_violations(page, replay)
    report = describe_violations(violations)
    if violations:
        print(f"\naxe violations on {name} ({page.url}):\n{report}")
    assert not violations, f"axe found {len(violations)} violation(s) on {name}:\n{report}"


_OVERFLOW_JS = """() => {
  const w = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > w + 0.5) wide.push(el.tagName.toLowerCase() +
        (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
        ' right=' + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth, inner: w, wide: wide.slice(0, 8)};
}"""


def assert_no_horizontal_scroll(page, name: str) -> None:
    """The page fits its viewport: nothing to scroll sideways."""
    found = page.evaluate(_OVERFLOW_JS)
    assert found["scroll"] <= found["inner"], (
        f"{name} scrolls sideways at {found['inner']} px (scrollWidth {found['scroll']}); "
        f"too wide: {found['wide']}")


_TARGETS_JS = """(min) => {
  const small = [];
  const sel = 'main button, main a.button, main select, main textarea, main input[type=text],' +
              'main input[type=password], main input[type=email], main .choice label, .lang';
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (!r.width) continue;
    if (r.height < min - 0.5 || r.width < min - 0.5)
      small.push((el.textContent || el.name || el.tagName).trim().slice(0, 40) + ' ' +
                 Math.round(r.width) + 'x' + Math.round(r.height));
  }
  return small;
}"""


def assert_thumb_sized_targets(page, name: str) -> None:
    """Buttons, fields and option labels are at least 44 x 44 px (WCAG 2.5.5)."""
    small = page.evaluate(_TARGETS_JS, MIN_TARGET)
    assert not small, f"targets smaller than {MIN_TARGET} px on {name}: {small}"


_SMALL_TEXT_JS = """(min) => {
  const small = [];
  for (const el of document.querySelectorAll('main p:not(.hint), main li, main label, main legend,' +
                                             'main button, main a.button, main h1, main h2')) {
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (el.getBoundingClientRect().width && size < min)
      small.push(el.textContent.trim().slice(0, 40) + ' ' + size + 'px');
  }
  return small;
}"""


def assert_readable_text(page, name: str, min_px: float = 16) -> None:
    """Body text, labels and buttons are at least 16 px, also on a 320 px screen."""
    small = page.evaluate(_SMALL_TEXT_JS, min_px)
    assert not small, f"text below {min_px} px on {name}: {small}"


def watch_console(page) -> list[str]:
    """Collect the browser's console errors: CSP refusals (an inline style or script, another
    origin) and failed sub-resources. A 4xx of the page itself is expected on error pages."""
    problems: list[str] = []

    def seen(message) -> None:
        own = message.location.get("url", "").split("#")[0] == page.url.split("#")[0]
        if message.type == "error" and not (own and message.text.startswith("Failed to load")):
            problems.append(message.text)

    page.on("console", seen)
    return problems


def assert_quiet_console(problems: list[str], name: str) -> None:
    found, problems[:] = list(problems), []
    assert not found, f"browser console errors on {name}: {found}"


def screenshot(page, name: str) -> Path:
    """A full-page PNG in test-artifacts/screenshots/ to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "-", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path

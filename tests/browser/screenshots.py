"""Screenshots of the main pages, saved under docs/screenshots/ for people to look at."""

from tests.support.worker import PROJECT_DIR

SCREENSHOT_DIR = PROJECT_DIR / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


def save_screenshots(page, name):
    """Full-page screenshots of `page` at desktop and mobile widths, with finite CSS
    animations and transitions run to their end (Playwright's `animations="disabled"`), so a
    message that fades in is shown whole."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(viewport)
        page.screenshot(
            path=SCREENSHOT_DIR / f"{name}-{label}.png", full_page=True, animations="disabled"
        )
    page.set_viewport_size(DESKTOP)

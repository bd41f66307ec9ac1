"""Screenshots of the main pages, saved under docs/screenshots/ for people to look at."""

from tests.support.worker import PROJECT_DIR

SCREENSHOT_DIR = PROJECT_DIR / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


def save_screenshots(page, name):
    """Full-page screenshots of `page` at desktop and mobile widths."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=SCREENSHOT_DIR / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)

"""The accessibility check: axe-core run in the page, on WCAG 2 A/AA and its best practices.

axe-core's script comes from the `axe-playwright-python` package (it ships `axe.min.js`), read
from disk and evaluated by Playwright, so the check needs no network and is not a <script> the
site's Content Security Policy would have to allow.
"""

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules the issue holds every page to; and axe's
# best practices (landmarks, heading order, one main), which an axe run includes by default.
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]

# Narrow exclusions, each one (rule id, CSS selector axe reports) with the reason it is not
# ours to fix. None is needed today: every page this check visits is rendered by our templates.
EXCLUDED: set[tuple[str, str]] = set()

_axe = Axe()


def axe_violations(page):
    """axe's violations on `page` as it is now: a list of dicts, one per rule that failed,
    each {"id", "impact", "help", "helpUrl", "nodes": [{"target": [selector, ...],
    "failureSummary", ...}]}, less the EXCLUDED (rule, selector) pairs (a rule whose nodes are
    all excluded is left out)."""
    options = {"runOnly": {"type": "tag", "values": RULE_TAGS}, "resultTypes": ["violations"]}
    violations = []
    for violation in _axe.run(page, options=options).response["violations"]:
        nodes = [
            node
            for node in violation["nodes"]
            if not any((violation["id"], target) in EXCLUDED for target in node["target"])
        ]
        if nodes:
            violations.append({**violation, "nodes": nodes})
    return violations


def describe(violations):
    """One readable line per violation and node: rule id, impact, target selectors, help."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{len(violation['nodes'])} node(s)]"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(node['target'])}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page, where=""):
    """Fail, listing each violation (rule id, impact, target selectors, help), if axe finds
    any violation of RULE_TAGS on `page`; `where` names the page in the message."""
    violations = axe_violations(page)
    assert not violations, (
        f"axe found {len(violations)} violation(s) on {where or page.url}:\n" + describe(violations)
    )

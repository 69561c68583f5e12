"""Screenshots of the built-in report's sections for the docs (docs/images/*.png).

Runs the built-in scenario, writes its report, opens it from disk in headless Chromium with
the network blocked and saves one PNG per section. Usage::

    .venv/bin/python docs/make_screenshots.py [--scenario mlf-1963] [--out docs/images]

The trajectory screenshot comes from a run with the ``bdm`` model (a dynamic model draws
lines over rounds; the default compromise model is static and draws one point per actor).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from mlf.report import write_html
from mlf.results import result_document
from mlf.scenario import load_scenario
from mlf.talks import run_scenario

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
MAX_HEIGHT = 1900
MAX_BYTES = 300_000


def _report(scenario: str, folder: Path, model: str | None) -> tuple[Path, dict[str, Any]]:
    result = result_document(run_scenario(load_scenario(scenario), model=model))
    path = folder / f"report-{model or 'default'}.html"
    write_html(result, path)
    return path, result


def _pick(result: dict[str, Any], want: str) -> str:
    """The anchor of the first agreed alternative that has ``want`` (else the first)."""
    from mlf.report._format import slug

    taken: set[str] = set()
    anchors = [(a, "alt-" + slug(a["id"], taken)) for a in result["alternatives"]]
    for a, anchor in anchors:
        if a.get("status") != "agreement":
            continue
        if want == "plan" and (a.get("manning") or {}).get("patterns"):
            return anchor
        if want != "plan" and a.get(want):
            return anchor
    for a, anchor in anchors:
        if a.get("status") == "agreement":
            return anchor
    return anchors[0][1]


def _shrink(path: Path) -> None:
    """Quantise a PNG over the size budget to 256 colours (Pillow, if installed)."""
    if path.stat().st_size <= MAX_BYTES:
        return
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        im.convert("RGB").quantize(colors=256).save(path, optimize=True)


def _shoot(page: Any, selectors: list[str], out: Path) -> None:
    """Screenshot the union of the elements matching ``selectors`` (page coordinates)."""
    boxes = [
        page.evaluate(
            "(sel) => { const r = document.querySelector(sel).getBoundingClientRect();"
            " return {x: r.left + window.scrollX, y: r.top + window.scrollY,"
            " w: r.width, h: r.height}; }",
            sel,
        )
        for sel in selectors
    ]
    x0 = max(0, min(b["x"] for b in boxes) - 12)
    y0 = max(0, min(b["y"] for b in boxes) - 12)
    x1 = max(b["x"] + b["w"] for b in boxes) + 12
    y1 = max(b["y"] + b["h"] for b in boxes) + 12
    clip = {"x": x0, "y": y0, "width": x1 - x0, "height": min(y1 - y0, MAX_HEIGHT)}
    page.screenshot(path=str(out), clip=clip, full_page=True)
    _shrink(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="mlf-1963")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "images")
    ap.add_argument("--width", type=int, default=1280)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        default, result = _report(args.scenario, Path(tmp), None)
        dynamic, dyn_result = _report(args.scenario, Path(tmp), "bdm")
        first = _pick(result, "participation")
        shots: list[tuple[Path, list[str], str]] = [
            (default, ["#overview", "#comparison"], "report-overview-comparison.png"),
            (
                dynamic,
                [f"#{_pick(dyn_result, 'negotiation')}-negotiation"],
                "report-trajectories.png",
            ),
            (default, [f"#{first}-participation"], "report-participation.png"),
            (default, [f"#{_pick(result, 'power')}-power"], "report-power.png"),
            (default, [f"#{_pick(result, 'arrangement')}-costs"], "report-costs.png"),
            (default, [f"#{_pick(result, 'plan')}-manning"], "report-manning.png"),
            (default, ["#british-question", "#guardrails"], "report-british-guardrails.png"),
            (default, ["#sources"], "report-sources.png"),
        ]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": args.width, "height": 1000})
            page.route(
                "**/*",
                lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort(),
            )
            loaded: Path | None = None
            for src, selectors, name in shots:
                if src != loaded:
                    page.goto(src.resolve().as_uri(), wait_until="load")
                    page.wait_for_function(
                        "() => Array.from(document.querySelectorAll('div.chart'))"
                        ".every(d => d.querySelector('svg.main-svg'))"
                    )
                    loaded = src
                out = args.out / name
                _shoot(page, selectors, out)
                print(f"{out} ({out.stat().st_size // 1000} kB)")
            browser.close()


if __name__ == "__main__":
    main()

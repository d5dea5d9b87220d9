#!/usr/bin/env python3
"""Looks at Parity's HTML reports as a reader would (outside CI): opens each report.html in headless
Chromium (Debian's `chromium`), takes a screenshot, and checks that every chart is drawn — from the
rendered DOM (axes, each series, a legend) and from the screenshot's pixels (each series' colour is
on screen). Needs `apt-get install chromium python3-pil`.

    python3 parity-tests/render/check_reports.py reports [--shots DIR]

Exit 0 when every chart of every report is drawn, 1 otherwise.
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile

from PIL import Image

COLOURS = {"series-0": (0x1F, 0x77, 0xB4), "series-1": (0xFF, 0x7F, 0x0E)}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(page, *extra):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(["chromium", *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                              capture_output=True, text=True, timeout=120)


def check(page, shots):
    problems = []
    dom = chromium(page, "--dump-dom").stdout
    charts = re.findall(r'<svg class="chart"[^>]*>.*?</svg>', dom, re.S)
    if not charts:
        problems.append("no chart in the rendered page")
    for chart in charts:
        title = re.search(r"<title>(.*?)</title>", chart).group(1)
        for part in ["axis", "legend", "series-0"]:
            if not re.search(rf'class="(?:[^"]* )?{part}(?: [^"]*)?"', chart):
                problems.append(f"{title}: no {part}")
        legend_entries = len(re.findall(r"<text[^>]*>[^<]+</text>", chart.split('class="legend"')[-1]))
        series = len(set(re.findall(r"series-(\d+)", chart)))
        if legend_entries < series:
            problems.append(f"{title}: {series} series but {legend_entries} legend entries")

    shot = shots / f"{page.parent.name}.png"
    chromium(page, "--window-size=1400,2200", f"--screenshot={shot}")
    pixels = Image.open(shot).convert("RGB").getdata()
    for name, colour in COLOURS.items():
        drawn = sum(1 for p in pixels if all(abs(a - b) <= 24 for a, b in zip(p, colour)))
        if drawn < 200:
            problems.append(f"{name} colour {colour} is on only {drawn} pixels of the screenshot")
    dark = sum(1 for p in pixels if max(p) < 60)
    if dark < 2000:
        problems.append(f"axes and text: only {dark} dark pixels")
    return len(charts), problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reports", type=pathlib.Path)
    parser.add_argument("--shots", type=pathlib.Path, default=pathlib.Path(tempfile.mkdtemp(prefix="parity-shots-")))
    args = parser.parse_args()
    args.shots.mkdir(parents=True, exist_ok=True)
    failed = False
    for page in sorted(args.reports.resolve().glob("*/report.html")):
        count, problems = check(page, args.shots)
        failed |= bool(problems)
        print(f"{page.parent.name}: {count} charts, {'all drawn' if not problems else '; '.join(problems)}")
    print(f"screenshots in {args.shots}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

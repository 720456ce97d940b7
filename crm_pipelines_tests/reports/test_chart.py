"""The chart is a real PNG (decoded with PIL) of the expected size, for a busy day and for a day
with no activity at all (no empty-chart crash); `$` in a name is text, not mathtext."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image

from crm_pipelines_tests.reports.conftest import DAY, build_acme_day, run_report
from crm_pipelines_tests.support.crm_factory import stored_report


def _chart_of(html: str) -> Image.Image:
    match = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert match, "the stored HTML embeds the chart as a data: URI"
    image = Image.open(io.BytesIO(base64.b64decode(match.group(1))))
    image.load()
    return image


def test_chart_is_a_png_for_busy_and_empty_days(db, report_settings, resources):
    acme = build_acme_day(db, seller_names={"e": "Eva $Gil_{x}$ ^ \\"})
    assert run_report(report_settings, resources).success
    with db.connect() as conn:
        busy = _chart_of(stored_report(conn, acme.tenant_id, DAY)["html"])
        empty = _chart_of(stored_report(conn, acme.quiet_tenant_id, DAY)["html"])
    for image in (busy, empty):
        assert image.format == "PNG" and image.size == (1000, 800)
    # The busy chart has bars (green pixels of the conversions); the empty one has none.
    assert _count(busy, (0x2E, 0x7D, 0x32)) > 1000
    assert _count(empty, (0x2E, 0x7D, 0x32)) == 0


def _count(image: Image.Image, rgb: tuple[int, int, int]) -> int:
    """Pixels within a small distance of `rgb` (the PNG has a reduced palette)."""
    return sum(
        1 for pixel in image.convert("RGB").getdata() if sum(abs(a - b) for a, b in zip(pixel, rgb)) <= 24
    )

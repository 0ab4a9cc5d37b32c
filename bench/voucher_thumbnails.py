"""What one anonymous request for a public voucher image costs, before and after thumbnails
were stored (issue 14, item 9), in one run.

    python bench/voucher_thumbnails.py [--requests 20] [--megapixels 48]

"before" is the old request path, kept here verbatim: read the original, check its hash,
decode it in full (EXIF rotation, RGB), shrink to 800 px, encode PNG — on every request.
It is timed on the largest photo still accepted (``--megapixels``, a phone photo of
8000×6000 by default) and, for the record, on the probe's 9000×9000 PNG, which uploads now
refuse. "after" is ``GET /api/v1/public/estates/<estate>/vouchers/<id>/file`` through the
app (SQLite, in-process test client, so the HTTP stack and the database read are
included): the stored thumbnail is read from disk; "304" is the same request with
``If-None-Match`` (no file is read). Also printed: the one-off cost of the upload (checks
and renders the thumbnail once) and the peak memory (max RSS) of a process that makes one
request each way. CPU is the process's CPU time per request; medians.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from litestar.testing import TestClient
from PIL import Image, ImageOps
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate, make_user
from trustfund.app import create_app
from trustfund.auth.principal import Role
from trustfund.db.migrate import upgrade
from trustfund.db.session import make_engine
from trustfund.settings import Settings
from trustfund.settlements import service, vouchers
from trustfund.settlements.schemas import WorkOrderIn


def old_request(data: bytes, digest: str) -> bytes:
    """The pre-fix public path: hash check, full decode, shrink, encode — per request."""
    assert hashlib.sha256(data).hexdigest() == digest
    with Image.open(io.BytesIO(data)) as source:
        image = ImageOps.exif_transpose(source).convert("RGB")
    image.thumbnail((vouchers.THUMB, vouchers.THUMB))
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="PNG")
    return out.getvalue()


def photo(width: int, height: int, kind: str) -> bytes:
    """A photo-like image: a gradient (with some noise for a JPEG, so that it compresses
    like a photo and stays under the 10 MB upload limit)."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    if kind == "JPEG":
        noise = Image.effect_noise((width, height), 20).convert("RGB")
        image = Image.blend(image, noise, 0.15)
    out = io.BytesIO()
    image.save(out, format=kind, quality=80)
    return out.getvalue()


def measure(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn`` after one warm-up."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def _peak_rss(fn: Callable[[], object], queue: multiprocessing.Queue[int]) -> None:
    fn()
    queue.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


def peak_rss_mb(fn: Callable[[], object]) -> int:
    """Max RSS (MB) of a forked child that runs ``fn`` once."""
    queue: multiprocessing.Queue[int] = multiprocessing.Queue()
    child = multiprocessing.get_context("fork").Process(target=_peak_rss, args=(fn, queue))
    child.start()
    peak = queue.get()
    child.join()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--megapixels", type=int, default=48)
    args = parser.parse_args()

    width = int((args.megapixels * 1_000_000 * 4 / 3) ** 0.5)
    height = width * 3 // 4
    print(f"making a {width}×{height} JPEG and a 9000×9000 PNG …", flush=True)
    jpeg = photo(width, height, "JPEG")
    huge_png = photo(9000, 9000, "PNG")

    root = Path(tempfile.mkdtemp(prefix="tf-thumbs-"))
    settings = Settings(
        var_dir=root / "var",
        database_url=f"sqlite:///{root / 'bench.db'}",
        ledger_dir=root / "ledgers",
        secret_key="bench",
    )
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with Session(engine) as session:
        estate = make_estate(session, "bench")
        _, committee = make_user(session, Role.COMMITTEE, estate)
        order = service.report_work(
            session,
            estate.id,
            WorkOrderIn(building="1", entrance="1", problem="灯", reported_on="2026-03-01"),
            None,
        )
        t0 = time.process_time()
        view = service.add_photo(
            session, settings.var_dir, estate.id, order["id"], jpeg, "photo.jpg", None
        )
        upload_cpu = time.process_time() - t0
    refused = True
    try:
        vouchers.check_upload(huge_png)
        refused = False
    except vouchers.ValidationError:
        pass

    digest = view["sha256"]
    original = (settings.var_dir / "vouchers" / digest[:2] / digest).read_bytes()
    huge_digest = hashlib.sha256(huge_png).hexdigest()
    before = [
        ("before: decode per request, JPEG", lambda: old_request(original, digest)),
        ("before: decode per request, 9000×9000 PNG", lambda: old_request(huge_png, huge_digest)),
    ]
    # forked before the test client starts its threads (a fork with them alive can hang)
    rss = {name: f"{peak_rss_mb(fn)} MB" for name, fn in before}
    baseline_rss = peak_rss_mb(lambda: None)

    app = create_app(settings, engine=engine)
    url = f"/api/v1/public/estates/bench/vouchers/{view['id']}/file"
    with TestClient(app) as client:
        marked = client.put(
            f"/api/v1/estates/bench/vouchers/{view['id']}/public",
            json={"public": True},
            headers=auth_headers(committee),
        )
        assert marked.status_code == 200, marked.text
        first = client.get(url)
        etag, thumb_size = first.headers["etag"], len(first.content)

        def after() -> None:
            assert client.get(url).status_code == 200

        def conditional() -> None:
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

        rows = [
            *before,
            ("after: stored thumbnail (GET)", after),
            ("after: If-None-Match → 304", conditional),
        ]
        results = []
        for name, fn in rows:
            repeat = max(3, args.requests // 4) if name.startswith("before") else args.requests
            wall, cpu = measure(fn, repeat)
            results.append((name, wall, cpu, rss.get(name, "—")))

    after_cpu = results[2][2]
    print(
        f"\nupload of the {len(jpeg) / 2**20:.1f} MB JPEG (checks + thumbnail, once): "
        f"{upload_cpu * 1000:.0f} ms CPU; 9000×9000 PNG refused at upload: {refused}"
    )
    print(f"(a forked process that does nothing peaks at {baseline_rss} MB)")
    print(f"(the stored thumbnail is {thumb_size // 1024} kB)")
    print(
        "\n| request | wall | CPU | CPU ÷ CPU of the stored-thumbnail GET | peak RSS of a process doing it once |"
    )
    print("|---|---|---|---|---|")
    for name, wall, cpu, memory in results:
        print(
            f"| {name} | {wall * 1000:.1f} ms | {cpu * 1000:.1f} ms | "
            f"{cpu / after_cpu:.1f}× | {memory} |"
        )


if __name__ == "__main__":
    main()

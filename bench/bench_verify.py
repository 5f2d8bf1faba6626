"""Verification time per document: signed results (a one-page result, PAdES B-B, EC P-256 key
from a test CA) checked as the public page does (integrity, coverage, chain to a trusted root).

    .venv/bin/python bench/bench_verify.py [count]
"""

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _django import percentile, test_database

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 200
DOCUMENTS = 10


def main() -> None:
    with test_database():
        from weasyprint import HTML

        from motcua.documents.models import TrustedRoot
        from motcua.documents.signing import ca, registry, sign_pdf
        from motcua.documents.verification import Verdict, verify_pdf

        now = dt.datetime.now(dt.UTC)
        root = ca.make_root(
            "Bench Root CA", not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=365)
        )
        leaf = ca.make_signer(
            root, "Phạm Quốc Hùng", not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=30)
        )
        TrustedRoot.objects.create(name="bench", certificate_pem=root.pem.decode())
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "leader.p12"
            path.write_bytes(ca.pkcs12_bytes(leaf, [root], b"bench"))
            signer = registry.create("pkcs12", {"path": str(path), "passphrase": "bench"})
            started = time.perf_counter()
            documents = [
                sign_pdf(
                    HTML(string=f"<h1>QUYẾT ĐỊNH số {n}</h1><p>Cấp giấy phép cho ông Nguyễn Văn An.</p>").write_pdf(),
                    signer=signer,
                    reason="Phê duyệt kết quả",
                    verify_url=f"http://localhost:8000/xac-thuc/{n}/",
                )
                for n in range(DOCUMENTS)
            ]
            signing = (time.perf_counter() - started) / DOCUMENTS
            timings = []
            for n in range(COUNT):
                started = time.perf_counter()
                report = verify_pdf(documents[n % DOCUMENTS])
                timings.append(time.perf_counter() - started)
                assert report.verdict is Verdict.VALID
        size = statistics.mean(len(d) for d in documents)
        print(
            f"signed results: {DOCUMENTS} documents of {size / 1024:.0f} KiB; "
            f"render + sign {signing * 1000:.0f} ms each"
        )
        print(
            f"verify {COUNT} documents: median {statistics.median(timings) * 1000:.1f} ms, "
            f"p95 {percentile(timings, 0.95) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()

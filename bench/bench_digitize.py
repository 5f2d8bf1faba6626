"""Digitization: OCR character accuracy on rendered Vietnamese documents, and throughput.

Run: .venv/bin/python bench/bench_digitize.py            (SQLite)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua .venv/bin/python bench/bench_digitize.py

Two A4 pages are drawn at 300 dpi with Liberation Serif 12 pt (an administrative paragraph using
every Vietnamese diacritic, and a form with a name, an ID number and dates), read by tesseract with
the `vie` model, and compared with the text drawn: character accuracy = 1 − Levenshtein distance /
length (whitespace collapsed, NFC), on the clean page, a worn scan and a 150 dpi copy. Then a
6-page component goes through the whole service (checks, storage, OCR task, merged searchable
PDF) to give pages per minute on this machine.
"""

import sys
import time
import unicodedata
from pathlib import Path

from _django import test_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

PARAGRAPH = (
    "Căn cứ Luật Tổ chức chính quyền địa phương; căn cứ Nghị định số 118/2025/NĐ-CP ngày 09 tháng 6 năm "
    "2025 của Chính phủ về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông tại Bộ phận "
    "Một cửa và Cổng Dịch vụ công quốc gia. Xét đề nghị của Trưởng phòng Văn hóa - Xã hội và ý kiến của "
    "người dân được tiếp nhận trực tiếp, Ủy ban nhân dân phường Thành Sen quyết định: cấp bản sao trích lục "
    "khai sinh cho bà Nguyễn Thị Lan; ông Trần Văn Hùng được hưởng trợ cấp xã hội hằng tháng kể từ ngày ký. "
    "Hồ sơ gồm tờ khai, giấy ủy quyền, bản chụp giấy tờ tùy thân và những giấy tờ khác theo quy định. "
    "Người nộp hồ sơ chịu trách nhiệm về tính chính xác, trung thực của các thông tin đã kê khai; "
    "cán bộ tiếp nhận kiểm tra, hướng dẫn bổ sung đầy đủ một lần, không yêu cầu thêm giấy tờ ngoài quy định. "
    "Quyết định này có hiệu lực kể từ ngày ký; Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị và cá nhân "
    "có liên quan chịu trách nhiệm thi hành. Nơi nhận: như Điều 3; lưu VT, VHXH; ghi rõ mức hưởng, "
    "thời điểm chấm dứt, quyền và nghĩa vụ của người được hưởng; khiếu nại được giải quyết trong hạn luật định."
)
FORM = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI ĐỀ NGHỊ CẤP BẢN SAO TRÍCH LỤC",
    "Kính gửi: Ủy ban nhân dân phường Thành Sen",
    "Họ và tên: Nguyễn Thị Lan",
    "Ngày, tháng, năm sinh: 01/05/1990",
    "Số định danh cá nhân: 042190000123",
    "Nơi cư trú: Số 5, đường Trần Phú, phường Thành Sen, tỉnh Hà Tĩnh",
    "Số điện thoại: 0912345678",
    "Đề nghị cấp bản sao trích lục khai sinh theo Quyết định số 123/QĐ-UBND",
    "Hà Tĩnh, ngày 12 tháng 3 năm 2025",
    "Người yêu cầu",
    "Trang 1/1",
]
FONT_SIZE = 50  # 12 pt at 300 dpi
A4 = (2480, 3508)
MARGIN = 200


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def accuracy(reference: str, read: str) -> float:
    reference, read = normal(reference), normal(read)
    return 1 - levenshtein(reference, read) / len(reference)


def wrap(text: str, face, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if face.getlength(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    return [*lines, line]


def page(lines: list[str]) -> bytes:
    import io

    from PIL import Image, ImageDraw

    from motcua.documents.tests.digitize_support import font

    image = Image.new("L", A4, 255)
    draw, face = ImageDraw.Draw(image), font(FONT_SIZE)
    for i, line in enumerate(lines):
        draw.text((MARGIN, MARGIN + int(i * FONT_SIZE * 1.5)), line, font=face, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def fold(text: str) -> str:
    from motcua.core.text import fold as fold_text

    return fold_text(text)


def low(content: bytes) -> bytes:
    """The page at half the resolution (150 dpi), as a quick phone photo or a cheap scanner gives."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(content))
    image = image.resize((image.width // 2, image.height // 2), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60, dpi=(150, 150))
    return out.getvalue()


def measure_accuracy() -> None:
    from motcua.documents import ocr
    from motcua.documents.tests.digitize_support import font

    paragraph_lines = wrap(PARAGRAPH, font(FONT_SIZE), A4[0] - 2 * MARGIN)
    marks = {c for c in unicodedata.normalize("NFD", PARAGRAPH) if unicodedata.combining(c)}
    print(f"Paragraph: {len(normal(PARAGRAPH))} characters, combining marks used: {len(marks)} of 5 tones + 3 shapes")
    from motcua.documents.digitization import _png

    for name, lines in (("administrative paragraph", paragraph_lines), ("form page", FORM)):
        reference = "\n".join(lines)
        drawn = page(lines)
        variants = (("clean", drawn), ("worn scan", degraded(drawn)), ("150 dpi", low(drawn)))
        for quality, image in variants:
            started = time.perf_counter()
            read = ocr.ocr_page(*_png(image)).text
            seconds = time.perf_counter() - started
            exact = accuracy(reference, read)
            folded = 1 - levenshtein(fold(reference), fold(read)) / len(fold(reference))
            print(
                f"  {name:25s} {quality:9s} character accuracy {exact:7.2%}"
                f"  (ignoring diacritics {folded:7.2%})  {seconds:.2f} s"
            )


def a_received_dossier():
    """A dossier received at a commune centre with one paper component, as at the counter."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from motcua.agencies.models import Agency, Assignment, Role
    from motcua.agencies.services import save_agency
    from motcua.catalog import exchange
    from motcua.catalog.models import Procedure, ProcedureAgency
    from motcua.dossiers import services
    from motcua.dossiers.services import Applicant, Reception, Upload

    root = save_agency(Agency(identifier="H42", name="Ủy ban nhân dân tỉnh", kind=Agency.Kind.PROVINCE_PC))
    commune = save_agency(Agency(identifier="H42.18073", name="UBND phường", kind=Agency.Kind.COMMUNE_PC, parent=root))
    centre = save_agency(
        Agency(identifier="H42.18073.01", name="Trung tâm", kind=Agency.Kind.COMMUNE_CENTRE, parent=commune)
    )
    fixture = Path(__file__).resolve().parent.parent / "src/motcua/catalog/tests/fixtures/small_catalog.json"
    exchange.import_file(fixture)
    for procedure in Procedure.objects.all():
        ProcedureAgency.objects.create(procedure=procedure, agency=commune)
    officer = get_user_model().objects.create(username="tiepnhan", first_name="Tiếp nhận")
    Assignment.objects.create(officer=officer, agency=centre, role=Role.RECEPTIONIST)
    applicant = Applicant(
        kind="person",
        name="Nguyễn Thị Lan",
        id_number="042190000123",
        address="Hà Tĩnh",
        birth_date=dt.date(1990, 5, 1),
        phone="",  # no message to send: only the digitization is measured
        email="",
    )
    reception = Reception(
        procedure_code="2.001035",
        applicant=applicant,
        documents=[Upload(name="Tờ khai", form="original", filename="", content=b"")],
        fees_collected=0,
    )
    dossier = services.receive_at_counter(officer, centre, reception, "receive")
    return dossier.documents.get(), officer


def measure_throughput(pages: int = 6) -> None:
    from django.db import transaction

    from motcua.documents import digitization
    from motcua.documents.models import Digitization

    document, officer = a_received_dossier()
    scans = [(f"trang-{i}.png", page([*FORM[:-1], f"Trang {i}/{pages}"])) for i in range(1, pages + 1)]
    started = time.perf_counter()
    with transaction.atomic():  # the task is queued when this commits (immediate backend: runs then)
        job = digitization.start(document, scans, officer)
    seconds = time.perf_counter() - started
    job = Digitization.objects.get(pk=job.pk)
    assert job.status == "done", job.error
    print(
        f"Throughput: {pages} A4 pages at 300 dpi checked, stored, read and merged in {seconds:.1f} s "
        f"= {pages / seconds * 60:.1f} pages per minute (one worker)"
    )


def degraded(content: bytes) -> bytes:
    """The page as a worn office scan: turned 0.8°, blurred, speckled, saved as a rough JPEG."""
    import io
    import random

    from PIL import Image, ImageFilter

    rng = random.Random(7)
    image = Image.open(io.BytesIO(content)).rotate(0.8, expand=False, fillcolor=255, resample=Image.BICUBIC)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    pixels = image.load()
    width, height = image.size
    for _ in range(width * height // 400):
        pixels[rng.randrange(width), rng.randrange(height)] = rng.choice((0, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=35, dpi=(300, 300))
    return out.getvalue()


def main() -> None:
    with test_database():
        measure_accuracy()
        measure_throughput()


if __name__ == "__main__":
    main()

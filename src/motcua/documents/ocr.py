"""Running the OCR engine (tesseract, Vietnamese model) and poppler's rasteriser as programs.

Each page becomes a one-page PDF with an invisible text layer (tesseract's `pdf` output) and its
plain text. Programs are called with an argument list, never a shell, and with a time limit.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


class OcrUnavailable(Exception):
    """The OCR program (or its language model) is not installed where the settings say."""


class OcrFailed(Exception):
    """The OCR program ran but gave no usable result (crash, time limit, unreadable page)."""


@dataclass
class PageResult:
    pdf: bytes
    text: str


def _program(setting: str) -> str | None:
    """The program's full path, or None when it is not installed."""
    name = getattr(settings, setting)
    if "/" in name:
        return name if Path(name).is_file() else None
    return shutil.which(name)


def tesseract_path() -> str | None:
    return _program("MOTCUA_TESSERACT")


def pdftoppm_path() -> str | None:
    return _program("MOTCUA_PDFTOPPM")


def _run(arguments: list[str], timeout: float) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(arguments, capture_output=True, timeout=timeout, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise OcrUnavailable(arguments[0]) from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed(f"{Path(arguments[0]).name}: time limit of {timeout:g} s reached") from exc


def ocr_page(image: bytes, dpi: int | None = None) -> PageResult:
    """One page image (PNG) → a searchable one-page PDF and the text read on it."""
    program = tesseract_path()
    if program is None:
        raise OcrUnavailable(settings.MOTCUA_TESSERACT)
    with tempfile.TemporaryDirectory(prefix="motcua-ocr-") as folder:
        source, output = Path(folder) / "page.png", Path(folder) / "page"
        source.write_bytes(image)
        arguments = [program, str(source), str(output), "-l", settings.MOTCUA_OCR_LANGUAGE]
        arguments += ["--dpi", str(dpi or settings.MOTCUA_OCR_DPI), "pdf", "txt"]
        completed = _run(arguments, settings.MOTCUA_OCR_TIMEOUT)
        pdf, text = output.with_suffix(".pdf"), output.with_suffix(".txt")
        if completed.returncode != 0 or not pdf.exists():
            detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
            if any("Failed loading language" in line or "Error opening data file" in line for line in detail):
                raise OcrUnavailable(f"{settings.MOTCUA_OCR_LANGUAGE}: {detail[-1] if detail else ''}")
            raise OcrFailed(detail[-1] if detail else f"exit status {completed.returncode}")
        return PageResult(pdf=pdf.read_bytes(), text=text.read_text("utf-8", "replace") if text.exists() else "")


def rasterise(pdf: bytes, page: int) -> bytes:
    """Page `page` (from 1) of a PDF as a PNG image at the OCR resolution (needs poppler)."""
    program = pdftoppm_path()
    if program is None:
        raise OcrUnavailable(settings.MOTCUA_PDFTOPPM)
    with tempfile.TemporaryDirectory(prefix="motcua-raster-") as folder:
        source, prefix = Path(folder) / "in.pdf", Path(folder) / "out"
        source.write_bytes(pdf)
        arguments = [program, "-r", str(settings.MOTCUA_OCR_DPI), "-png", "-singlefile"]
        arguments += ["-f", str(page), "-l", str(page), str(source), str(prefix)]
        completed = _run(arguments, settings.MOTCUA_OCR_TIMEOUT)
        image = prefix.with_suffix(".png")
        if completed.returncode != 0 or not image.exists():
            raise OcrFailed(completed.stderr.decode("utf-8", "replace").strip()[-300:] or "pdftoppm failed")
        return image.read_bytes()

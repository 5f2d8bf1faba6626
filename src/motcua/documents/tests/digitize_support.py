"""Pages for the digitization tests: Vietnamese text rendered with Liberation Serif at 300 dpi."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_FOLDERS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation")
A4_300DPI = (2480, 3508)


def font(size: int = 50) -> ImageFont.FreeTypeFont:
    for folder in FONT_FOLDERS:
        path = Path(folder) / "LiberationSerif-Regular.ttf"
        if path.exists():
            return ImageFont.truetype(str(path), size)
    raise FileNotFoundError("Liberation Serif is not installed")


def render(lines: list[str], *, size: tuple[int, int] = (2480, 1200), font_size: int = 50, kind: str = "PNG") -> bytes:
    """Black text on white, one line every 1.6 font sizes, 150 px margins."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    face = font(font_size)
    for i, line in enumerate(lines):
        draw.text((150, 150 + int(i * font_size * 1.6)), line, font=face, fill=0)
    out = io.BytesIO()
    image.save(out, kind, dpi=(300, 300))
    return out.getvalue()


FORM_LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI",
    "Họ và tên: Nguyễn Thị Lan",
    "Số định danh cá nhân: 042190000123",
    "Ngày sinh: 01/05/1990",
    "Hà Tĩnh, ngày 12 tháng 3 năm 2025",
]

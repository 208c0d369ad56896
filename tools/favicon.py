"""Draw the programme's mark (static/img/cifre-mark.svg) with Pillow: the PNG fallbacks and favicon.ico.

Run from the repository's root: ``.venv/bin/python tools/favicon.py`` (after changing the mark).
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "img"
S = 8  # supersampling
N = 64 * S
im = Image.new("RGBA", (N, N), (0, 0, 0, 0))
d = ImageDraw.Draw(im)
d.rounded_rectangle([0, 0, N - 1, N - 1], radius=14 * S, fill="#0b5d7a")
d.ellipse([(32 - 7) * S, (16 - 7) * S, (32 + 7) * S, (16 + 7) * S], fill="#f2b544")
# The arch: outer half-disc radius 18 centred (32,44), minus inner radius 10 centred (32,45), legs to y=48.
d.pieslice([(32 - 18) * S, (44 - 18) * S, (32 + 18) * S, (44 + 18) * S], 180, 360, fill="#ffffff")
d.rectangle([14 * S, 44 * S, 50 * S, 48 * S], fill="#ffffff")
d.pieslice([(32 - 10) * S, (45 - 10) * S, (32 + 10) * S, (45 + 10) * S], 180, 360, fill="#0b5d7a")
d.rectangle([22 * S, 45 * S, 42 * S, 48 * S], fill="#0b5d7a")
for x in (8, 20, 32, 44):
    d.arc([x * S, 52 * S, (x + 12) * S, 60 * S], 200, 340, fill="#9fd3e0", width=3 * S)
for size, name in ((180, "apple-touch-icon.png"), (32, "favicon-32.png")):
    im.resize((size, size), Image.LANCZOS).save(OUT / name, optimize=True)
    print(f"wrote {OUT / name}")
im.resize((64, 64), Image.LANCZOS).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
print(f"wrote {OUT / 'favicon.ico'}")

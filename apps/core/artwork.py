"""Pictures drawn by code for the demo city: artist avatars and covers, track and collection art,
video posters. Gradients, soft light, a motif and type, never a test pattern.

Each picture is seeded by its name, so the same name always gives the same image (and the same
bytes), and a few dozen of them take well under a second.
"""

from __future__ import annotations

import hashlib
import math
import random
import unicodedata
from functools import cache
from io import BytesIO

import numpy as np
from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFilter, ImageFont

AVATAR_SIZE = 320
COVER_SIZE = (1200, 400)
ARTWORK_SIZE = 480
POSTER_SIZE = (960, 540)
QUALITY = 80

# (night, colour, light): a dark ground, the colour the gradient turns into, and the accent of
# shapes and glow. Chosen to look like gig posters, all readable under white type.
RGB = tuple[int, int, int]
Palette = tuple[RGB, RGB, RGB]
PALETTES: list[Palette] = [
    ((27, 16, 53), (224, 69, 123), (255, 184, 107)),
    ((11, 37, 69), (19, 160, 140), (244, 241, 222)),
    ((45, 11, 58), (123, 47, 247), (247, 37, 133)),
    ((26, 26, 46), (233, 69, 96), (245, 213, 71)),
    ((15, 48, 87), (0, 148, 190), (255, 211, 105)),
    ((61, 12, 17), (200, 38, 56), (244, 157, 55)),
    ((16, 42, 30), (46, 140, 90), (233, 245, 161)),
    ((35, 25, 66), (94, 84, 142), (224, 177, 203)),
    ((20, 33, 61), (214, 130, 17), (229, 229, 229)),
    ((43, 45, 66), (190, 30, 60), (237, 242, 244)),
]
MOTIFS = ("rings", "bars", "sun", "stripes")
WHITE = (255, 255, 255)


def avatar(name: str, *, size: int = AVATAR_SIZE) -> ContentFile:
    """A square portrait: the name's initials over a lit gradient."""
    rng = _rng("avatar", name)
    palette = rng.choice(PALETTES)
    image = _ground((size, size), rng, palette)
    _light(image, rng, palette[2], count=2)
    _motif(image, rng, palette[2], "rings" if rng.random() < 0.5 else "sun", strength=0.35)
    _centred(image, initials(name), size * 0.4)
    return _jpeg(image, name, "avatar")


def cover(name: str, *, size: tuple[int, int] = COVER_SIZE, title: str = "") -> ContentFile:
    """A wide banner behind a page's title; ``title``, if given, is set in type on the left."""
    rng = _rng("cover", name)
    palette = rng.choice(PALETTES)
    image = _ground(size, rng, palette)
    _light(image, rng, palette[2], count=3)
    _motif(image, rng, palette[2], rng.choice(MOTIFS), strength=0.5)
    if title:
        _caption(image, title, "", size[1] * 0.2)
    return _jpeg(image, name, "cover")


def artwork(title: str, *, artist: str = "", size: int = ARTWORK_SIZE) -> ContentFile:
    """Square cover art for a track: the title and the artist set over a motif."""
    rng = _rng("artwork", f"{artist}/{title}")
    palette = rng.choice(PALETTES)
    image = _ground((size, size), rng, palette)
    _light(image, rng, palette[2], count=2)
    _motif(image, rng, palette[2], rng.choice(MOTIFS), strength=0.6)
    _caption(image, title, artist, size * 0.1)
    return _jpeg(image, f"{artist}-{title}", "artwork")


def poster(
    title: str, *, artist: str = "", size: tuple[int, int] = POSTER_SIZE, caption: bool = True
) -> ContentFile:
    """A still for a video or a story: like the track art, in its shape. A video's player draws
    its controls over the bottom, where the caption goes: pass ``caption=False`` for those."""
    rng = _rng("poster", f"{artist}/{title}")
    palette = rng.choice(PALETTES)
    image = _ground(size, rng, palette)
    _light(image, rng, palette[2], count=3)
    _motif(image, rng, palette[2], rng.choice(MOTIFS), strength=0.5)
    if caption:
        _caption(image, title, artist, min(size) * 0.1)
    return _jpeg(image, f"{artist}-{title}", "poster")


def initials(name: str) -> str:
    words = [word for word in name.replace("-", " ").split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or "?"
    return letters.upper()


# --- drawing ---------------------------------------------------------------------------------


def _rng(kind: str, name: str) -> random.Random:
    # A hash rather than hash(): Python salts str hashes per process.
    digest = hashlib.sha256(f"{kind}:{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - pictures, not secrets


def _ground(size: tuple[int, int], rng: random.Random, palette: Palette) -> Image.Image:
    """A diagonal gradient from the palette's night to its colour, in a seeded direction."""
    night, colour, _ = palette
    angle = rng.uniform(0, 2 * math.pi)
    # A smooth ramp loses nothing when computed at a quarter of the size and enlarged.
    width, height = max(2, size[0] // 4), max(2, size[1] // 4)
    x = np.linspace(-0.5, 0.5, width, dtype=np.float32)[None, :] * (size[0] / max(size))
    y = np.linspace(-0.5, 0.5, height, dtype=np.float32)[:, None] * (size[1] / max(size))
    t = (x * math.cos(angle) + y * math.sin(angle)) * 1.4 + 0.5
    t = np.clip(t, 0.0, 1.0)[..., None] ** 1.3
    rgb = np.asarray(night, np.float32) * (1 - t) + np.asarray(colour, np.float32) * t
    return Image.fromarray(rgb.astype(np.uint8), "RGB").resize(size, Image.Resampling.BILINEAR)


def _light(image: Image.Image, rng: random.Random, light: RGB, *, count: int) -> None:
    """Soft blurred discs, like stage light; drawn small and enlarged, since blur is costly."""
    width, height = image.size
    scale = 8
    small = Image.new("L", (max(1, width // scale), max(1, height // scale)), 0)
    draw = ImageDraw.Draw(small)
    for _ in range(count):
        cx, cy = rng.uniform(0, small.width), rng.uniform(0, small.height)
        radius = rng.uniform(0.25, 0.6) * max(small.size)
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=rng.randint(70, 130))
    glow = small.filter(ImageFilter.GaussianBlur(max(small.size) / 8)).resize(
        image.size, Image.Resampling.BILINEAR
    )
    image.paste(Image.new("RGB", image.size, light), (0, 0), glow)


def _motif(image: Image.Image, rng: random.Random, light: RGB, motif: str, *, strength: float) -> None:
    """Thin light shapes over the ground, drawn at twice the size and reduced for smooth edges."""
    width, height = image.size
    big = (width * 2, height * 2)
    mask = Image.new("L", big, 0)
    draw = ImageDraw.Draw(mask)
    alpha = round(255 * strength)
    side = min(big)
    if motif == "rings":
        cx, cy = rng.uniform(0.2, 0.8) * big[0], rng.uniform(0.2, 0.8) * big[1]
        step = side * rng.uniform(0.05, 0.08)
        for n in range(1, 14):
            r = n * step
            draw.ellipse(
                (cx - r, cy - r, cx + r, cy + r), outline=alpha // (1 + n // 5), width=max(2, side // 160)
            )
    elif motif == "bars":
        count = rng.randint(18, 32)
        bar = big[0] / count
        for n in range(count):
            level = 0.15 + 0.55 * abs(math.sin(n * rng.uniform(0.3, 0.7) + rng.uniform(0, 3)))
            top = big[1] * (1 - level)
            draw.rectangle((n * bar + bar * 0.2, top, (n + 1) * bar - bar * 0.2, big[1]), fill=alpha // 2)
    elif motif == "sun":
        r = side * rng.uniform(0.28, 0.4)
        cx, cy = rng.uniform(0.3, 0.7) * big[0], big[1] * rng.uniform(0.35, 0.6)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=alpha)
        # Horizontal cuts widening towards the bottom: the retro sunset of gig posters.
        for n in range(7):
            y = cy + r * (0.1 + n * 0.14)
            draw.rectangle((cx - r, y, cx + r, y + r * 0.02 * (n + 1)), fill=0)
    else:  # stripes
        gap = side * rng.uniform(0.06, 0.1)
        slope = rng.choice((-1, 1))
        for n in range(-big[1] // int(gap) - 2, big[0] // int(gap) + 2):
            x = n * gap
            draw.line((x, 0, x + slope * big[1], big[1]), fill=alpha // 2, width=max(3, int(gap * 0.3)))
    mask = mask.resize(image.size, Image.Resampling.BOX)
    image.paste(Image.new("RGB", image.size, light), (0, 0), mask)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own scalable font: there on every machine, no system fonts needed.
    return ImageFont.load_default(size=size)


def _typeable(text: str) -> str:
    """The text with letters the font lacks written without their accents: the built-in font
    has little beyond ASCII, and a missing glyph prints as a box."""
    return "".join(ch if ch.isascii() else _plain(ch) for ch in text)


@cache
def _plain(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    return base or {"\u2014": "-", "\u2013": "-", "\u2019": "'", "\u2018": "'"}.get(ch, "")


def _centred(image: Image.Image, text: str, size: float) -> None:
    draw = ImageDraw.Draw(image)
    text = _typeable(text)
    font = _font(round(size))
    stroke = max(1, round(size / 28))
    box = draw.textbbox((0, 0), text, font=font, stroke_width=stroke)
    x = (image.width - (box[2] - box[0])) / 2 - box[0]
    y = (image.height - (box[3] - box[1])) / 2 - box[1]
    shadow = Image.new("L", image.size, 0)
    ImageDraw.Draw(shadow).text((x, y + stroke * 2), text, font=font, fill=90, stroke_width=stroke)
    image.paste((0, 0, 0), (0, 0), shadow.filter(ImageFilter.BoxBlur(stroke * 2)))
    draw.text((x, y), text, font=font, fill=WHITE, stroke_width=stroke, stroke_fill=WHITE)


def _caption(image: Image.Image, title: str, byline: str, size: float) -> None:
    """The title in large type at the bottom left (wrapped to fit), the byline above it."""
    draw = ImageDraw.Draw(image)
    margin = round(min(image.size) * 0.08)
    font = _font(round(size))
    stroke = max(1, round(size / 30))
    title, byline = _typeable(title), _typeable(byline)
    lines = _wrap(draw, title, font, image.width - 2 * margin)
    line_height = round(size * 1.12)
    y = image.height - margin - line_height * len(lines)
    # A dark veil under the type keeps it readable whatever the ground does.
    veil = Image.linear_gradient("L").resize(image.size).point(lambda v: v * 0.55)
    image.paste((0, 0, 0), (0, 0), veil)
    if byline:
        small = _font(round(size * 0.45))
        draw.text((margin, y - round(size * 0.7)), byline.upper(), font=small, fill=(235, 235, 235))
    for line in lines:
        draw.text((margin, y), line, font=font, fill=WHITE, stroke_width=stroke, stroke_fill=WHITE)
        y += line_height


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int
) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines[:3]


def _jpeg(image: Image.Image, name: str, kind: str) -> ContentFile:
    out = BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    slug = slugify(name)[:40] or kind
    return ContentFile(out.getvalue(), name=f"{slug}-{kind}.jpg")

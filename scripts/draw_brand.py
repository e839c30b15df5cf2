"""Draw the integration's brand images (icon and logo) into its brand folder."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND_DIR = Path(__file__).resolve().parent.parent / (
    "custom_components/linky_activity/brand"
)
# Linky's own yellow-green on a deep blue tile, drawn four times larger than
# needed and scaled down so the edges come out smooth.
TILE = (22, 48, 84, 255)
METER = (196, 214, 0, 255)
SCREEN = (14, 30, 54, 255)
PULSE = (255, 255, 255, 255)
OVERSAMPLE = 4


def _draw_icon(size: int) -> Image.Image:
    """Draw the square icon: a meter face whose screen shows a pulse."""
    big = size * OVERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, ...]:
        """Scale a box given in fractions of the side to pixels."""
        return tuple(round(v * big) for v in (x0, y0, x1, y1))

    draw.rounded_rectangle(box(0.0, 0.0, 1.0, 1.0), radius=big // 5, fill=TILE)
    draw.rounded_rectangle(box(0.2, 0.12, 0.8, 0.88), radius=big // 12, fill=METER)
    draw.rounded_rectangle(box(0.28, 0.22, 0.72, 0.5), radius=big // 40, fill=SCREEN)
    pulse = [
        (0.31, 0.40),
        (0.42, 0.40),
        (0.47, 0.29),
        (0.53, 0.46),
        (0.58, 0.36),
        (0.69, 0.36),
    ]
    draw.line(
        [(round(x * big), round(y * big)) for x, y in pulse],
        fill=PULSE,
        width=max(1, big // 36),
        joint="curve",
    )
    for row in range(2):
        for column in range(3):
            x0 = 0.31 + column * 0.14
            y0 = 0.58 + row * 0.12
            draw.rounded_rectangle(
                box(x0, y0, x0 + 0.1, y0 + 0.07), radius=big // 80, fill=SCREEN
            )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _draw_logo(height: int, trace_colour: tuple[int, ...]) -> Image.Image:
    """Draw the logo: the icon followed by a wider activity trace."""
    icon = _draw_icon(height)
    width = height * 3
    big_w, big_h = width * OVERSAMPLE, height * OVERSAMPLE
    trace = Image.new("RGBA", (big_w, big_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(trace)
    points = [
        (0.36, 0.5),
        (0.5, 0.5),
        (0.56, 0.2),
        (0.64, 0.8),
        (0.7, 0.35),
        (0.76, 0.6),
        (0.8, 0.5),
        (0.98, 0.5),
    ]
    draw.line(
        [(round(x * big_w), round(y * big_h)) for x, y in points],
        fill=trace_colour,
        width=max(1, big_h // 14),
        joint="curve",
    )
    logo = trace.resize((width, height), Image.Resampling.LANCZOS)
    logo.alpha_composite(icon, (0, 0))
    return logo


def main() -> None:
    """Write the icons and the light and dark theme logos."""
    BRAND_DIR.mkdir(parents=True, exist_ok=True)
    _draw_icon(256).save(BRAND_DIR / "icon.png", optimize=True)
    _draw_icon(512).save(BRAND_DIR / "icon@2x.png", optimize=True)
    for prefix, colour in (("", TILE), ("dark_", METER)):
        _draw_logo(128, colour).save(BRAND_DIR / f"{prefix}logo.png", optimize=True)
        _draw_logo(256, colour).save(BRAND_DIR / f"{prefix}logo@2x.png", optimize=True)


if __name__ == "__main__":
    main()

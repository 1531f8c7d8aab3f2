#!/usr/bin/env python3
"""Draws the four built-in source images of `--image-source assets` (original, procedural).

Writes binary PPM files; convert them to JPEG with any encoder, e.g.
  for f in *.ppm; do ffmpeg -loglevel error -y -i "$f" -q:v 4 "${f%.ppm}.jpg"; done
No randomness: the pictures are pure functions of the pixel position.
"""
import math
import sys

W, H = 256, 192


def clamp(v):
    return max(0, min(255, int(v)))


def landscape(x, y):
    # Evening sky, a low sun, two rows of hills.
    t = y / H
    r, g, b = 40 + 200 * t, 60 + 120 * t, 140 - 60 * t
    dx, dy = x - 180, y - 110
    d = math.hypot(dx, dy)
    if d < 22:
        r, g, b = 255, 220, 120
    elif d < 40:
        k = (40 - d) / 18
        r, g, b = r + (255 - r) * k * 0.6, g + (200 - g) * k * 0.6, b
    if y > 125 + 18 * math.sin(x / 23.0):
        r, g, b = 50, 90 + 20 * math.sin(x / 9.0), 45
    if y > 150 + 10 * math.sin(x / 15.0 + 1.3):
        r, g, b = 30, 65, 35
    return r, g, b


def tiles(x, y):
    # Checkerboard with a coloured disc in every other tile.
    s = 32
    cx, cy = x // s, y // s
    base = 230 if (cx + cy) % 2 == 0 else 70
    r = g = b = base
    if (cx + cy) % 2 == 1:
        px, py = x % s - s / 2, y % s - s / 2
        if px * px + py * py < (s * 0.35) ** 2:
            hue = (cx * 53 + cy * 97) % 360
            r = 128 + 127 * math.cos(math.radians(hue))
            g = 128 + 127 * math.cos(math.radians(hue - 120))
            b = 128 + 127 * math.cos(math.radians(hue + 120))
    return r, g, b


def rings(x, y):
    # Concentric rings around two centres (an interference pattern).
    d1 = math.hypot(x - 90, y - 80)
    d2 = math.hypot(x - 170, y - 120)
    v = math.sin(d1 / 6.0) + math.sin(d2 / 7.5)
    return 128 + 60 * v, 100 + 50 * math.sin(d1 / 11.0), 160 - 55 * v


def plasma(x, y):
    u, v = x / W, y / H
    a = math.sin(10 * u + 3) + math.sin(8 * v + 1) + math.sin(12 * (u + v))
    return (128 + 127 * math.sin(a * 1.5), 128 + 127 * math.sin(a * 1.5 + 2.1),
            128 + 127 * math.sin(a * 1.5 + 4.2))


def write(name, fn):
    with open(name, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (W, H))
        row = bytearray()
        for y in range(H):
            for x in range(W):
                row += bytes(clamp(c) for c in fn(x, y))
        f.write(row)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    for i, (n, fn) in enumerate([("landscape", landscape), ("tiles", tiles), ("rings", rings),
                                  ("plasma", plasma)]):
        write(f"{out}/{i + 1}_{n}.ppm", fn)

#!/usr/bin/env python3
"""Reads a PNG with the standard library only and prints: width height luminance_sd ink_share.

ink_share is the share of pixels that differ clearly from the most common (background) colour. A blank or
failed page has a tiny standard deviation and almost no ink. Usage: png_stats.py FILE.png
"""
import struct
import sys
import zlib
from collections import Counter


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or interlace != 0 or colour not in (0, 2, 4, 6):
        sys.exit(f"{path}: unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(height):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 0xFF
        elif f == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif f == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 0xFF
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def main():
    width, height, bpp, rows = decode(sys.argv[1])
    # Luminance of every 2nd pixel of every 2nd row is plenty for "is anything drawn".
    lum = []
    for y in range(0, height, 2):
        row = rows[y]
        for x in range(0, width, 2):
            o = x * bpp
            if bpp >= 3:
                lum.append((299 * row[o] + 587 * row[o + 1] + 114 * row[o + 2]) // 1000)
            else:
                lum.append(row[o])
    n = len(lum)
    mean = sum(lum) / n
    sd = (sum((v - mean) ** 2 for v in lum) / n) ** 0.5
    background = Counter(lum).most_common(1)[0][0]
    ink = sum(1 for v in lum if abs(v - background) > 40) / n
    print(f"{width} {height} {sd:.2f} {ink:.4f}")


if __name__ == "__main__":
    main()

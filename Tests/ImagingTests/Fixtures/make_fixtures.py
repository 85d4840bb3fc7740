"""Makes the small committed fixtures for ImagingTests (run once; needs numpy and Pillow).

Expected outputs are raw uint8 RGB (HWC) files `<name>.rgb`, computed with numpy from
the known source pixels, or with Pillow 13 where Pillow's behaviour is the reference
(JPEG decoding, Image.resize BILINEAR). The tests themselves never need Pillow.
"""
import io
import struct
import zlib

import numpy as np
from PIL import Image

rng = np.random.default_rng(4242)


def smooth_image(w, h):
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), (x + y) * 255 // (w + h - 2)], -1)
    noise = rng.integers(-20, 21, size=(h, w, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_bytes(samples, color_type, bit_depth=8, palette=None, trns=None, interlace=False, exif=None):
    """Hand-written PNG: samples is (h, w, c) of ints already at bit_depth (c=1 for palette/gray)."""
    h, w = samples.shape[:2]

    def rows_of(img):
        out = b""
        for row in img:
            if bit_depth == 16:
                raw = row.astype(">u2").tobytes()
            elif bit_depth < 8:
                flat = row.reshape(-1)
                per = 8 // bit_depth
                padded = np.concatenate([flat, np.zeros((-len(flat)) % per, dtype=flat.dtype)])
                raw = bytes(
                    sum(int(v) << (8 - bit_depth * (i + 1)) for i, v in enumerate(padded[j:j + per]))
                    for j in range(0, len(padded), per))
            else:
                raw = row.astype(np.uint8).tobytes()
            out += b"\x00" + raw
        return out

    if interlace:
        data = b""
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.size:
                data += rows_of(sub)
    else:
        data = rows_of(samples)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, int(interlace)))
    if exif is not None:
        out += chunk(b"eXIf", exif)
    if palette is not None:
        out += chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    if trns is not None:
        out += chunk(b"tRNS", trns)
    return out + chunk(b"IDAT", zlib.compress(data, 9)) + chunk(b"IEND", b"")


def save(name, data):
    with open(name, "wb") as f:
        f.write(data)


def save_rgb(name, array):
    save(name + ".rgb", np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def exif_orientation(value):
    """A minimal little-endian TIFF block with one IFD entry: Orientation (SHORT)."""
    return b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, value, 0) + struct.pack("<I", 0)


def insert_app1(jpeg, payload):
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def main():
    rgb = smooth_image(32, 24)
    save("small.png", png_bytes(rgb, 2))
    save_rgb("small", rgb)
    save("small_interlaced.png", png_bytes(rgb, 2, interlace=True))
    # 16-bit: high byte is the 8-bit image, low byte noise the decoder must drop.
    wide = rgb.astype(np.uint16) * 256 + rng.integers(0, 256, size=rgb.shape).astype(np.uint16)
    save("rgb16.png", png_bytes(wide, 2, bit_depth=16))
    alpha = rng.integers(0, 256, size=(24, 32, 1))
    save("rgba.png", png_bytes(np.concatenate([rgb, alpha], -1), 6))
    gray = rgb[..., 0]
    save("gray.png", png_bytes(gray[..., None], 0))
    save_rgb("gray", np.repeat(gray[..., None], 3, -1))
    save("gray_alpha16.png", png_bytes(np.stack([gray.astype(np.uint16) * 257, alpha[..., 0] * 257], -1), 4, bit_depth=16))
    bits = (gray > 127).astype(np.uint8)
    save("gray1.png", png_bytes(bits[..., None], 0, bit_depth=1))
    save_rgb("gray1", np.repeat(bits[..., None] * 255, 3, -1))
    palette = rng.integers(0, 256, size=(16, 3))
    index = rng.integers(0, 16, size=(24, 32))
    save("palette4.png", png_bytes(index[..., None], 3, bit_depth=4, palette=palette, trns=bytes(range(0, 160, 10)), interlace=True))
    save_rgb("palette4", palette[index])

    # JPEG variants, decoded by Pillow (libjpeg-turbo) for the expected pixels.
    photo = Image.fromarray(rgb)
    variants = {
        "small.jpg": lambda b: photo.save(b, "JPEG", quality=90),
        "small_progressive.jpg": lambda b: photo.save(b, "JPEG", quality=85, progressive=True),
        "gray.jpg": lambda b: Image.fromarray(gray).save(b, "JPEG", quality=90),
        "cmyk.jpg": lambda b: photo.convert("CMYK").save(b, "JPEG", quality=95),
    }
    for name, write in variants.items():
        buffer = io.BytesIO()
        write(buffer)
        save(name, buffer.getvalue())
        save_rgb(name.replace(".jpg", "_jpg"), np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")))

    # Orientation: 24x16 blocks of distinct colours, tagged 6 (display turned 90° clockwise).
    blocks = np.zeros((16, 24, 3), np.uint8)
    blocks[:8, :12] = (255, 0, 0)
    blocks[:8, 12:] = (0, 255, 0)
    blocks[8:, :12] = (0, 0, 255)
    blocks[8:, 12:] = (255, 255, 255)
    buffer = io.BytesIO()
    Image.fromarray(blocks).save(buffer, "JPEG", quality=95)
    save("orient6.jpg", insert_app1(buffer.getvalue(), b"Exif\x00\x00" + exif_orientation(6)))
    save("orient6.png", png_bytes(blocks, 2, exif=exif_orientation(6)))
    save_rgb("blocks", blocks)

    # Headers claiming 60000 x 60000 with almost no data behind them.
    save("bomb.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0))
         + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))
    jpeg = bytearray(open("small.jpg", "rb").read())
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5:sof + 9] = struct.pack(">HH", 60000, 60000)
    save("bomb.jpg", bytes(jpeg))

    # Pillow BILINEAR resize references from a noisy 37x23 source.
    source = rng.integers(0, 256, size=(23, 37, 3)).astype(np.uint8)
    save("resize_source.png", png_bytes(source, 2))
    for w, h in [(10, 7), (64, 40), (37, 11), (5, 50), (100, 23), (13, 23), (1, 1), (36, 22), (3, 2), (200, 3), (36, 5), (40, 10), (20, 2)]:
        save_rgb(f"resize_{w}x{h}", np.asarray(Image.fromarray(source).resize((w, h), Image.BILINEAR)))
    for w, h in [(10, 7), (64, 40), (100, 23), (5, 50), (29, 71)]:
        save_rgb(f"nearest_{w}x{h}", np.asarray(Image.fromarray(source).resize((w, h), Image.NEAREST)))
    save_rgb("luma", np.asarray(Image.fromarray(source).convert("L"))[..., None])


if __name__ == "__main__":
    main()

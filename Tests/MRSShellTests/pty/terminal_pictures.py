"""Decoders for the inline-picture escape sequences the REPL writes (used by repl_pty.py):
kitty graphics chunks, iTerm2's OSC 1337 File=, and DEC sixel streams."""
import base64
import re


def kitty_png(text):
    """The PNG bytes of the first kitty picture in `text`, after checking every chunk is well
    formed (ESC _ G keys ; base64 ESC \\, m=1 on all but the last chunk)."""
    chunks = re.findall(r"\x1b_G([^;\x1b]*);([A-Za-z0-9+/=]*)\x1b\\", text)
    if not chunks:
        raise ValueError("no kitty graphics sequence")
    first = dict(kv.split("=") for kv in chunks[0][0].split(","))
    if first.get("a") != "T" or first.get("f") != "100":
        raise ValueError(f"first chunk does not transmit a PNG for display: {chunks[0][0]}")
    payload = ""
    for i, (keys, data) in enumerate(chunks):
        more = dict(kv.split("=") for kv in keys.split(","))["m"]
        if more != ("0" if i == len(chunks) - 1 else "1"):
            raise ValueError(f"chunk {i} of {len(chunks)} has m={more}")
        payload += data
    return base64.b64decode(payload, validate=True)


def iterm_png(text):
    """The PNG bytes of the first iTerm2 inline picture, checking size= matches."""
    m = re.search(r"\x1b\]1337;File=([^:\x07]*):([A-Za-z0-9+/=]*)\x07", text)
    if not m:
        raise ValueError("no iTerm2 File= sequence")
    keys = dict(kv.split("=") for kv in m.group(1).split(";"))
    data = base64.b64decode(m.group(2), validate=True)
    if keys.get("inline") != "1" or int(keys["size"]) != len(data):
        raise ValueError(f"bad File= arguments {m.group(1)} for {len(data)} bytes")
    return data


def sixel_pixels(text):
    """(width, height, rows of (r, g, b)) of the first sixel stream (ESC P … q … ESC \\),
    colours converted back from the stream's percentages to 0…255."""
    m = re.search(r"\x1bP[0-9;]*q(.*?)\x1b\\", text, re.S)
    if not m:
        raise ValueError("no sixel stream")
    body = m.group(1)
    palette, pixels = {}, {}
    x = band = 0
    color = 0
    width = height = 0
    i = 0
    while i < len(body):
        c = body[i]
        if c == '"':   # raster attributes: "Pan;Pad;Ph;Pv
            j = i + 1
            while j < len(body) and (body[j].isdigit() or body[j] == ";"):
                j += 1
            parts = [int(p) for p in body[i + 1:j].split(";")]
            width, height = parts[2], parts[3]
            i = j
            continue
        if c == "#":
            j = i + 1
            while j < len(body) and (body[j].isdigit() or body[j] == ";"):
                j += 1
            parts = [int(p) for p in body[i + 1:j].split(";")]
            color = parts[0]
            if len(parts) == 5:
                if parts[1] != 2:
                    raise ValueError("only RGB palette entries are expected")
                palette[color] = tuple(round(p * 255 / 100) for p in parts[2:])
            i = j
            continue
        count = 1
        if c == "!":
            j = i + 1
            while body[j].isdigit():
                j += 1
            count = int(body[i + 1:j])
            c = body[j]
            i = j
        if c == "$":
            x = 0
        elif c == "-":
            x = 0
            band += 1
        elif "?" <= c <= "~":
            bits = ord(c) - 63
            for _ in range(count):
                for k in range(6):
                    if bits & (1 << k):
                        pixels[(x, band * 6 + k)] = palette[color]
                x += 1
        elif c not in "\r\n":
            raise ValueError(f"unexpected {c!r} in the sixel stream")
        i += 1
    rows = [[pixels.get((x, y)) for x in range(width)] for y in range(height)]
    return width, height, rows

import Foundation
import XCTest
import NDArray
import PeerTestSupport
@testable import Graphics

/// A PNG decoder written with nothing but Python's zlib: checks the signature and every chunk
/// CRC, undoes the five row filters, and prints `width height colortype bitdepth hexpixels`.
/// It shares no code with libpng, so agreement shows our files are standard PNG.
let pythonPNGDecoder = #"""
import sys, zlib, struct
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'bad signature'
pos, idat, ihdr, seen_end = 8, b'', None, False
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    crc = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])[0]
    assert zlib.crc32(kind + body) & 0xffffffff == crc, 'bad CRC in ' + kind.decode()
    if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
    elif kind == b'IDAT': idat += body
    elif kind == b'IEND': seen_end = True
    pos += 12 + length
assert seen_end, 'no IEND'
w, h, depth, ctype, comp, filt, interlace = ihdr
assert depth == 8 and interlace == 0
channels = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
raw = zlib.decompress(idat)
stride = w * channels
rows, prev, p = [], bytearray(stride), 0
for y in range(h):
    f = raw[p]; line = bytearray(raw[p + 1:p + 1 + stride]); p += 1 + stride
    for i in range(stride):
        a = line[i - channels] if i >= channels else 0
        b = prev[i]; c = prev[i - channels] if i >= channels else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pr) & 255
    rows.append(bytes(line)); prev = line
print(w, h, ctype, depth, b''.join(rows).hex())
"""#

/// Decodes `path` with the pure-Python decoder: size, PNG colour type and pixels.
func decodeWithPython(_ path: String) throws -> (width: Int, height: Int, colorType: Int, pixels: [UInt8]) {
    let fields = try runPython(pythonPNGDecoder, [path]).split(separator: " ")
    guard fields.count == 5, let w = Int(fields[0]), let h = Int(fields[1]), let t = Int(fields[2]) else {
        throw GraphicsError("test", "unexpected decoder output")
    }
    let hex = Array(fields[4].trimmingCharacters(in: .whitespacesAndNewlines).utf8)
    var bytes: [UInt8] = []
    var i = 0
    while i + 1 < hex.count {
        bytes.append(UInt8(String(decoding: hex[i...i + 1], as: UTF8.self), radix: 16) ?? 0)
        i += 2
    }
    return (w, h, t, bytes)
}

/// Gray levels of a raster row (red channel), for compact assertions.
func grayRow(_ r: Raster, _ y: Int) -> [UInt8] {
    (0..<r.width).map { r[$0, y].r }
}

/// A real float32 array from column-major values.
func floats(_ values: [Float], _ shape: [Int]) throws -> NDArray {
    try NDArray(values, shape: shape)
}

import Foundation
import Graphics

/// Turns a PNG file into the bytes that make a terminal draw it inline, fitted to its width.
public enum InlineImageEncoder {
    /// Base64 characters per kitty chunk (the protocol's limit is 4096).
    static let kittyChunk = 4096

    /// The escape sequence drawing the PNG file at `path` with `protocol`; the picture ends on a
    /// new line.
    public static func encode(pngFile path: String, as protocol: InlineImageProtocol, size: TerminalSize) throws -> Data {
        let image = try PNGImage.read(from: path, as: .rgb)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SixelEncoder.Failure(description: "cannot read '\(path)'")
        }
        switch `protocol` {
        case .kitty: return kitty(png: data, columns: size.columnsFor(pixelWidth: image.width))
        case .iterm: return iterm(png: data, columns: size.columnsFor(pixelWidth: image.width))
        case .sixel:
            let fitted = fit(image, maxWidth: size.maxPixelWidth)
            return try SixelEncoder.encode(rgb: fitted.pixels, width: fitted.width, height: fitted.height) + Data("\n".utf8)
        }
    }

    /// kitty: transmit-and-display a PNG (`a=T,f=100`) spanning `columns` cells, without replies
    /// (`q=2`, which would otherwise arrive as typed input), in chunks marked `m=1` until the last.
    public static func kitty(png data: Data, columns: Int) -> Data {
        let payload = Array(data.base64EncodedString().utf8)
        var out = Data()
        var start = 0
        repeat {
            let end = min(start + kittyChunk, payload.count)
            let more = end < payload.count ? 1 : 0
            let control = start == 0 ? "a=T,f=100,q=2,c=\(columns),m=\(more)" : "m=\(more)"
            out.append(contentsOf: Array("\u{1B}_G\(control);".utf8))
            out.append(contentsOf: payload[start..<end])
            out.append(contentsOf: Array("\u{1B}\\".utf8))
            start = end
        } while start < payload.count
        out.append(contentsOf: Array("\n".utf8))
        return out
    }

    /// iTerm2: one OSC 1337 `File=` sequence with the PNG in base64, `columns` cells wide.
    public static func iterm(png data: Data, columns: Int) -> Data {
        let head = "\u{1B}]1337;File=inline=1;size=\(data.count);width=\(columns);preserveAspectRatio=1:"
        return Data(head.utf8) + Data(data.base64EncodedString().utf8) + Data("\u{07}\n".utf8)
    }

    /// The picture shrunk by the smallest whole factor that fits `maxWidth` (every k-th pixel,
    /// so pixel values stay exact); unchanged when it fits.
    static func fit(_ image: PNGImage, maxWidth: Int) -> PNGImage {
        guard image.width > maxWidth else { return image }
        let k = (image.width + maxWidth - 1) / maxWidth
        let w = (image.width + k - 1) / k, h = (image.height + k - 1) / k
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let s = ((y * k) * image.width + x * k) * 3, d = (y * w + x) * 3
                pixels[d] = image.pixels[s]; pixels[d + 1] = image.pixels[s + 1]; pixels[d + 2] = image.pixels[s + 2]
            }
        }
        return (try? PNGImage(width: w, height: h, format: .rgb, pixels: pixels)) ?? image
    }
}

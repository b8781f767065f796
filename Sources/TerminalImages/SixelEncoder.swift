import CSixel
import Foundation

/// RGB pixels → a DEC sixel stream, through libsixel (palette of up to 256 colours, no dithering
/// so pictures with few colours come out exact).
public enum SixelEncoder {
    /// Errors from libsixel, with its status code.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed.
        public let description: String
    }

    /// Collects libsixel's output.
    private final class Sink { var data = Data() }

    /// Encodes `rgb` (r, g, b bytes row-major from the top-left) as a sixel stream `ESC P … ESC \`.
    public static func encode(rgb: [UInt8], width: Int, height: Int) throws -> Data {
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw Failure(description: "sixel: \(rgb.count) bytes do not hold a \(width)x\(height) RGB picture")
        }
        var pixels = rgb
        let sink = Sink()
        var output: OpaquePointer?
        let box = Unmanaged.passUnretained(sink).toOpaque()
        var status = sixel_output_new(&output, { data, size, priv in
            guard let data, let priv, size > 0 else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(priv).takeUnretainedValue()
            data.withMemoryRebound(to: UInt8.self, capacity: Int(size)) { sink.data.append($0, count: Int(size)) }
            return size
        }, box, nil)
        guard mrs_sixel_failed(status) == 0, let out = output else { throw Failure(description: "sixel: cannot create an output (status \(status))") }
        defer { sixel_output_unref(out) }
        // A picture with at most 256 colours (greyscale snapshots, most plots) gets exactly its own
        // colours; libsixel's palette search works on 5-bit channels and would shift them.
        let colours = distinctColours(rgb, limit: 256)
        var dither: OpaquePointer?
        status = sixel_dither_new(&dither, Int32(colours?.count ?? 256), nil)
        guard mrs_sixel_failed(status) == 0, let d = dither else { throw Failure(description: "sixel: cannot create a palette (status \(status))") }
        defer { sixel_dither_unref(d) }
        if var palette = colours?.flatMap({ $0 }) {
            palette.withUnsafeMutableBufferPointer { sixel_dither_set_palette(d, $0.baseAddress) }
            sixel_dither_set_pixelformat(d, mrs_sixel_pixelformat_rgb888())
        } else {
            status = pixels.withUnsafeMutableBufferPointer { p in
                sixel_dither_initialize(d, p.baseAddress, Int32(width), Int32(height), mrs_sixel_pixelformat_rgb888(),
                                        Int32(SIXEL_LARGE_AUTO), Int32(SIXEL_REP_AUTO), Int32(SIXEL_QUALITY_HIGH))
            }
            guard mrs_sixel_failed(status) == 0 else { throw Failure(description: "sixel: cannot build a palette (status \(status))") }
        }
        sixel_dither_set_diffusion_type(d, Int32(SIXEL_DIFFUSE_NONE))
        status = pixels.withUnsafeMutableBufferPointer { p in
            sixel_encode(p.baseAddress, Int32(width), Int32(height), 3, d, out)
        }
        guard mrs_sixel_failed(status) == 0 else { throw Failure(description: "sixel: encoding failed (status \(status))") }
        return sink.data
    }

    /// The distinct colours of `rgb` in order of appearance, or nil when there are more than `limit`.
    static func distinctColours(_ rgb: [UInt8], limit: Int) -> [[UInt8]]? {
        var seen: [UInt32: Int] = [:]
        var list: [[UInt8]] = []
        var i = 0
        while i + 2 < rgb.count {
            let key = UInt32(rgb[i]) << 16 | UInt32(rgb[i + 1]) << 8 | UInt32(rgb[i + 2])
            if seen[key] == nil {
                guard list.count < limit else { return nil }
                seen[key] = list.count
                list.append([rgb[i], rgb[i + 1], rgb[i + 2]])
            }
            i += 3
        }
        return list
    }
}

import Foundation

/// An RGB drawing surface: `pixels` hold r, g, b bytes row-major from the top-left corner.
/// Everything mrs draws (snapshots, plots, legends, text) is rasterised into one of these.
public struct Raster: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// r, g, b bytes, row-major from the top-left.
    public var pixels: [UInt8]

    /// Largest surface mrs draws, in pixels (about 16k × 16k); guards against huge montages.
    public static let maxPixelCount = 1 << 28

    /// A surface filled with one colour.
    public init(width: Int, height: Int, fill: RGB = .black, operation: String = "draw") throws {
        guard width > 0 && height > 0 else {
            throw GraphicsError(operation, "image size \(width)x\(height) is empty or negative")
        }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow && count <= Raster.maxPixelCount else {
            throw GraphicsError(operation, "image size \(width)x\(height) is too large (limit \(Raster.maxPixelCount) pixels)")
        }
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: count * 3)
        if fill != .black { fillRect(x: 0, y: 0, width: width, height: height, fill) }
    }

    /// The colour at column `x`, row `y` (row 0 at the top); the caller keeps them in range.
    public subscript(x: Int, y: Int) -> RGB {
        get {
            let i = (y * width + x) * 3
            return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            let i = (y * width + x) * 3
            pixels[i] = newValue.r
            pixels[i + 1] = newValue.g
            pixels[i + 2] = newValue.b
        }
    }

    /// True when (x, y) is on the surface.
    @inline(__always) public func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height
    }

    /// Sets a pixel if it is on the surface.
    @inline(__always) mutating func plot(x: Int, y: Int, _ color: RGB) {
        if contains(x: x, y: y) { self[x, y] = color }
    }

    /// Mixes `color` into a pixel with opacity `alpha` (0…1), if the pixel is on the surface.
    @inline(__always) mutating func blend(x: Int, y: Int, _ color: RGB, alpha: Double) {
        guard contains(x: x, y: y), alpha > 0 else { return }
        if alpha >= 1 {
            self[x, y] = color
        } else {
            self[x, y] = self[x, y].mixed(with: color, amount: alpha)
        }
    }

    /// Fills a rectangle, clipped to the surface.
    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, _ color: RGB) {
        let x0 = max(x, 0), y0 = max(y, 0)
        let x1 = min(x + w, width), y1 = min(y + h, height)
        guard x0 < x1 && y0 < y1 else { return }
        pixels.withUnsafeMutableBufferPointer { p in
            for row in y0..<y1 {
                var i = (row * width + x0) * 3
                for _ in x0..<x1 {
                    p[i] = color.r
                    p[i + 1] = color.g
                    p[i + 2] = color.b
                    i += 3
                }
            }
        }
    }

    /// Draws a 1-pixel rectangle outline.
    public mutating func strokeRect(x: Int, y: Int, width w: Int, height h: Int, _ color: RGB) {
        fillRect(x: x, y: y, width: w, height: 1, color)
        fillRect(x: x, y: y + h - 1, width: w, height: 1, color)
        fillRect(x: x, y: y, width: 1, height: h, color)
        fillRect(x: x + w - 1, y: y, width: 1, height: h, color)
    }

    /// Copies `other` with its top-left corner at (x, y), clipped to this surface.
    public mutating func paste(_ other: Raster, x: Int, y: Int) {
        let x0 = max(x, 0), x1 = min(x + other.width, width)
        guard x0 < x1 else { return }
        for row in max(y, 0)..<min(y + other.height, height) {
            let src = ((row - y) * other.width + (x0 - x)) * 3
            let dst = (row * width + x0) * 3
            pixels.replaceSubrange(dst..<dst + (x1 - x0) * 3, with: other.pixels[src..<src + (x1 - x0) * 3])
        }
    }

    /// True when every pixel is a gray level (then the PNG is written as 8-bit grayscale).
    public var isGrayscale: Bool {
        pixels.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                if p[i] != p[i + 1] || p[i] != p[i + 2] { return false }
                i += 3
            }
            return true
        }
    }

    /// The surface as a PNG image: grayscale when every pixel is gray, RGB otherwise.
    public func pngImage() -> PNGImage {
        if isGrayscale {
            var gray = [UInt8](repeating: 0, count: width * height)
            pixels.withUnsafeBufferPointer { p in
                for i in 0..<gray.count { gray[i] = p[i * 3] }
            }
            return PNGImage(validatedWidth: width, height: height, format: .gray, pixels: gray)
        }
        return PNGImage(validatedWidth: width, height: height, format: .rgb, pixels: pixels)
    }

    /// Writes the surface to a PNG file (grayscale when every pixel is gray). Errors name
    /// `operation` (the built-in the user called) when given.
    public func write(to path: String, operation: String? = nil) throws {
        do {
            try pngImage().write(to: path)
        } catch let error as GraphicsError where operation != nil {
            throw GraphicsError(operation ?? error.operation, error.message)
        }
    }
}

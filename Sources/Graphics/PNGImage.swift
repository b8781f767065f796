import AtomicFiles
import CPNG
import Foundation

/// The pixel layouts mrs reads and writes: 8 bits per sample, rows top to bottom.
public enum PNGFormat: Sendable, Equatable, CustomStringConvertible {
    case gray, rgb, rgba

    /// Samples per pixel.
    public var channels: Int {
        switch self {
        case .gray: return 1
        case .rgb: return 3
        case .rgba: return 4
        }
    }

    /// The `PNG_FORMAT_*` code of libpng's simplified API.
    var libpngFormat: UInt32 {
        switch self {
        case .gray: return UInt32(PNG_FORMAT_GRAY)
        case .rgb: return UInt32(PNG_FORMAT_RGB)
        case .rgba: return mrs_png_format_rgba()
        }
    }

    /// `gray`, `rgb`, `rgba`.
    public var description: String {
        switch self {
        case .gray: return "gray"
        case .rgb: return "rgb"
        case .rgba: return "rgba"
        }
    }
}

/// An 8-bit image in memory, as PNG files hold it: `pixels` are row-major from the top-left,
/// `format.channels` samples per pixel, no padding between rows.
public struct PNGImage: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Samples per pixel and their meaning.
    public let format: PNGFormat
    /// Samples, row-major from the top-left, `format.channels` per pixel.
    public var pixels: [UInt8]

    /// Largest image (in bytes of pixels) this module reads or writes; guards allocations that a
    /// corrupt or hostile header would otherwise ask for.
    public static let maxByteCount = 1 << 30

    /// An image from its pixels; checks that the sizes agree.
    public init(width: Int, height: Int, format: PNGFormat, pixels: [UInt8]) throws {
        let bytes = try PNGImage.byteCount(width: width, height: height, format: format, operation: "png")
        guard pixels.count == bytes else {
            throw GraphicsError("png", "\(pixels.count) samples do not fill a \(width)x\(height) \(format) image (\(bytes) needed)")
        }
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// An image whose sizes the caller has already checked (a Raster's always fit: its pixel
    /// limit × 3 is below `maxByteCount`).
    init(validatedWidth width: Int, height: Int, format: PNGFormat, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// Bytes of a `width`×`height` image, refusing empty, negative or oversized images.
    static func byteCount(width: Int, height: Int, format: PNGFormat, operation: String) throws -> Int {
        guard width > 0 && height > 0 else {
            throw GraphicsError(operation, "image size \(width)x\(height) is empty or negative")
        }
        let (pixelCount, o1) = width.multipliedReportingOverflow(by: height)
        let (bytes, o2) = pixelCount.multipliedReportingOverflow(by: format.channels)
        guard !o1 && !o2 && bytes <= maxByteCount && width <= Int(Int32.max) / 4 else {
            throw GraphicsError(operation, "image size \(width)x\(height) is too large (limit \(maxByteCount) bytes)")
        }
        return bytes
    }

    /// Samples of the pixel at column `x`, row `y` (0-based, row 0 at the top).
    public func pixel(x: Int, y: Int) -> [UInt8] {
        let c = format.channels
        let start = (y * width + x) * c
        return Array(pixels[start..<start + c])
    }

    /// Writes the image to `path` as a PNG file through libpng.
    public func write(to path: String) throws {
        // libpng writes by name into a temporary file beside `path`, renamed into place when
        // complete: a failed write keeps the old picture.
        let replacement: ReplacementFile
        do {
            replacement = try ReplacementFile(replacing: path)
        } catch let e as ReplacementError {
            throw GraphicsError("png", "cannot write '\(path)': \(e.problem)")
        }
        replacement.closeDescriptor()
        var image = png_image()
        errno = 0
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format.libpngFormat
        let ok = pixels.withUnsafeBytes { bytes in
            png_image_write_to_file(&image, replacement.temporaryPath, 0, bytes.baseAddress, Int32(width * format.channels), nil)
        }
        let message = PNGImage.message(of: image)
        png_image_free(&image)
        if ok == 0 {
            // libpng says only "Write Error"; the system's reason (a full disk) is in errno.
            let reason = errno != 0 ? " (\(String(cString: strerror(errno))))" : ""
            replacement.abandon()
            throw GraphicsError("png", "cannot write '\(path)': \(message)\(reason); the old file is unchanged")
        }
        do {
            try replacement.commit()
        } catch let e as ReplacementError {
            throw GraphicsError("png", "cannot write '\(path)': \(e.problem)")
        }
    }

    /// Reads the PNG file at `path`, converted by libpng to `format` (alpha is composited on
    /// black when dropped; 16-bit files are reduced to 8 bits).
    public static func read(from path: String, as format: PNGFormat = .rgba) throws -> PNGImage {
        // libpng would block for ever opening a FIFO; refuse anything but a regular file first.
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            throw GraphicsError("png", "cannot read '\(path)': \((info.st_mode & S_IFMT) == S_IFDIR ? "is a directory" : "is not a regular file (a FIFO, device or socket)")")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            let message = PNGImage.message(of: image)
            png_image_free(&image)
            throw GraphicsError("png", "cannot read '\(path)': \(message)")
        }
        let width = Int(image.width), height = Int(image.height)
        let bytes: Int
        do {
            bytes = try byteCount(width: width, height: height, format: format, operation: "png")
        } catch let error as GraphicsError {
            png_image_free(&image)
            throw GraphicsError("png", "cannot read '\(path)': \(error.message)")
        }
        image.format = format.libpngFormat
        var pixels = [UInt8](repeating: 0, count: bytes)
        let ok = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, Int32(width * format.channels), nil)
        }
        let message = PNGImage.message(of: image)
        png_image_free(&image)
        guard ok != 0 else {
            throw GraphicsError("png", "cannot read '\(path)': \(message)")
        }
        return try PNGImage(width: width, height: height, format: format, pixels: pixels)
    }

    /// libpng's error or warning text stored in the image control structure.
    private static func message(of image: png_image) -> String {
        var copy = image.message
        let text = withUnsafeBytes(of: &copy) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return text.isEmpty ? "unknown libpng error" : text
    }
}

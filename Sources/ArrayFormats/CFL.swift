import Foundation
import NDArray

/// BART's `.cfl`/`.hdr` pair: a text header (`# Dimensions` followed by a line of sizes) and
/// raw little-endian complex64 data in column-major order. A path may name either file or
/// leave the extension off.
public enum CFL {
    /// BART's maximum number of dimensions (DIMS).
    public static let maximumRank = 16
    /// Header files are a few lines; a larger one is refused rather than read.
    static let maximumHeaderBytes = 1 << 20

    /// Reads a .cfl/.hdr pair as complex64. BART pads shapes with 1s; trailing 1s are dropped
    /// (keeping at least one dimension), so `bart ones 3 4 5 1` loads as [4, 5].
    public static func read(_ path: String) throws -> NDArray {
        let base = basePath(path)
        let headerFile = try InputFile(base + ".hdr", operation: "load")
        guard headerFile.size <= maximumHeaderBytes else {
            throw fileError("load", headerFile.path, "is \(headerFile.size) bytes, too large for a BART header")
        }
        let text = String(decoding: try headerFile.bytes(at: 0, count: headerFile.size, operation: "load"), as: UTF8.self)
        var dims: [Int]
        do {
            dims = try parseHeader(text)
        } catch let p as FormatProblem {
            throw fileError("load", headerFile.path, "malformed BART header: \(p.message)")
        }
        while dims.count > 1 && dims.last == 1 { dims.removeLast() }
        let dataFile = try InputFile(base + ".cfl", operation: "load")
        let count: Int
        do {
            count = try Shape.count(dims)
        } catch let e as ArrayError {
            throw fileError("load", headerFile.path, "dimensions \(Shape.text(dims)): \(e.message)")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: 8)
        // BART itself refuses a data file of any other size, longer or shorter.
        guard !overflow, byteCount == dataFile.size else {
            throw fileError("load", dataFile.path, "holds \(dataFile.size) bytes but the header's dimensions \(Shape.text(dims)) need \(overflow ? "more than \(Int.max)" : String(byteCount)) (\(count) complex64 values)")
        }
        let array = try NDArray(uninitialized: dims, dtype: .complex64, operation: "load")
        let source = FileRegionSource(file: dataFile, start: 0, end: dataFile.size, label: dataFile.path)
        let type = try NPYElementType(descriptor: "<c8")
        try ElementDecoding.read(count, of: type, from: source,
                                 into: array.rawBasePointer, operation: "load")
        return array
    }

    /// Writes an array as a .cfl/.hdr pair. BART stores only complex64: other types are
    /// converted (real values get a zero imaginary part; complex128 is rounded to single
    /// precision). The header lists the array's own dimensions (a 0-d array as `1`), as BART does.
    public static func write(_ array: NDArray, to path: String) throws {
        let base = basePath(path)
        guard array.rank <= maximumRank else {
            throw ArrayError("save", "\(base).cfl: BART files hold at most \(maximumRank) dimensions, the array has \(array.rank) (shape \(Shape.text(array.shape)))")
        }
        let data = try array.astype(.complex64, operation: "save")
        let dims = array.shape.isEmpty ? [1] : array.shape
        let header = "# Dimensions\n" + dims.map { "\($0) " }.joined() + "\n"
        // Both files are complete before either replaces its old version.
        let cfl = try OutputFile(base + ".cfl", operation: "save")
        try NPY.writeElements(data, into: FileSink(file: cfl), operation: "save")
        let hdr = try OutputFile(base + ".hdr", operation: "save")
        try hdr.write(Array(header.utf8), operation: "save")
        try cfl.finish(operation: "save")
        try hdr.finish(operation: "save")
    }

    /// The path without a `.cfl` or `.hdr` extension.
    static func basePath(_ path: String) -> String {
        for ext in [".cfl", ".hdr"] where path.hasSuffix(ext) { return String(path.dropLast(ext.count)) }
        return path
    }

    /// The dimensions listed after the `# Dimensions` line.
    static func parseHeader(_ text: String) throws -> [Int] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var dims: [Int]? = nil
        var i = 0
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            let section = line.hasPrefix("#") ? line.dropFirst().trimmingCharacters(in: .whitespaces) : nil
            if section == "Dimensions" {
                guard i + 1 < lines.count else { throw FormatProblem("no line of dimensions after '# Dimensions'") }
                dims = try parseDimensions(String(lines[i + 1]))
                i += 1
            } else if section == "Data" {
                throw FormatProblem("a '# Data' section (data stored in another file) is not supported")
            }
            i += 1
        }
        guard let found = dims else { throw FormatProblem("no '# Dimensions' line") }
        return found
    }

    private static func parseDimensions(_ line: String) throws -> [Int] {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !words.isEmpty else { throw FormatProblem("the line after '# Dimensions' is empty") }
        guard words.count <= maximumRank else {
            throw FormatProblem("\(words.count) dimensions, more than BART's \(maximumRank)")
        }
        return try words.map { word in
            guard let n = Int(word) else {
                let digits = word.drop { $0 == "-" || $0 == "+" }
                throw FormatProblem(!digits.isEmpty && digits.allSatisfy(\.isNumber) ? "dimension \(word) is too large" : "\(quotedForMessage(String(word), limit: 40)) is not a dimension")
            }
            guard n >= 0 else { throw FormatProblem("negative dimension \(n)") }
            return n
        }
    }
}

import Foundation
import NDArray

/// FSL's diffusion gradient text files: `bvals` (one b-value per volume, s/mm²) and `bvecs`
/// (three rows x, y, z with one column per volume; a file of N rows of three is accepted too, as
/// DIPY's read_bvals_bvecs does).
public enum FSLGradients {
    /// Text files larger than this are not gradient tables.
    static let maximumBytes = 16 << 20

    /// The b-values and gradient directions of the two files, unvalidated beyond their layout
    /// (`GradientTable` checks counts agree and directions are unit vectors).
    public static func read(bvals: String, bvecs: String) throws -> (bvals: [Double], bvecs: [SIMD3<Double>]) {
        let values = try numbers(bvals)
        let rows = try rowsOfNumbers(bvecs)
        let vectors: [SIMD3<Double>]
        if rows.count == 3 && rows.allSatisfy({ $0.count == rows[0].count }) {
            vectors = (0..<rows[0].count).map { SIMD3(rows[0][$0], rows[1][$0], rows[2][$0]) }
        } else if rows.allSatisfy({ $0.count == 3 }) {
            vectors = rows.map { SIMD3($0[0], $0[1], $0[2]) }
        } else {
            let shape = rows.map { String($0.count) }.prefix(6).joined(separator: ", ")
            throw ArrayError("gradient_table", "\(bvecs): expected 3 rows of one value per volume (or rows of 3), got \(rows.count) rows of \(shape)\(rows.count > 6 ? ", …" : "") values")
        }
        return (values, vectors)
    }

    /// Every number in a whitespace-separated text file.
    static func numbers(_ path: String) throws -> [Double] { try rowsOfNumbers(path).flatMap { $0 } }

    /// The numbers of each non-empty line.
    static func rowsOfNumbers(_ path: String) throws -> [[Double]] {
        let file = try InputFile(path, operation: "gradient_table")
        guard file.size <= maximumBytes else { throw fileError("gradient_table", path, "is \(file.size) bytes, too large for a gradient file") }
        let text = String(decoding: try file.bytes(at: 0, count: file.size, operation: "gradient_table"), as: UTF8.self)
        var rows: [[Double]] = []
        for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            if words.isEmpty { continue }
            rows.append(try words.map { w in
                guard let v = Double(w), v.isFinite else {
                    throw fileError("gradient_table", path, "line \(n + 1): \(quotedForMessage(String(w), limit: 30)) is not a number")
                }
                return v
            })
        }
        guard !rows.isEmpty else { throw fileError("gradient_table", path, "holds no numbers") }
        return rows
    }
}

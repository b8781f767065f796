import CZlib
import Foundation
import NDArray

extension NIfTI {
    /// Writes an image as NIfTI-1 (`.nii`, or gzip when the name ends in `.gz`). `affine` is the
    /// row-major 4×4 voxel-to-world matrix stored as both sform and qform (codes 1, scanner);
    /// without one the affine is diagonal `voxelSize` (default 1 mm). bool is stored as uint8,
    /// int64 as int64, floats and complex as themselves.
    public static func write(_ array: NDArray, affine: [[Double]]? = nil, voxelSize: [Double] = [1, 1, 1], to path: String) throws {
        func bad(_ problem: String) -> ArrayError { fileError("save", path, problem) }
        let dims = array.shape.isEmpty ? [1] : array.shape
        guard dims.count <= 7 else { throw bad("NIfTI-1 holds at most 7 dimensions, the array has \(dims.count) (shape \(Shape.text(array.shape)))") }
        if let big = dims.first(where: { $0 > Int(Int16.max) }) {
            throw bad("dimension \(big) of shape \(Shape.text(dims)) exceeds NIfTI-1's limit of \(Int16.max)")
        }
        guard voxelSize.count == 3, voxelSize.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw bad("voxelSize must be three positive numbers, got \(voxelSize)")
        }
        let m = affine ?? [[voxelSize[0], 0, 0, 0], [0, voxelSize[1], 0, 0], [0, 0, voxelSize[2], 0], [0, 0, 0, 1]]
        guard m.count == 4, m.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isFinite) }) else {
            throw bad("the affine must be 4×4 finite numbers, got \(m.count) rows")
        }
        let code: Int16, bitpix: Int16
        switch array.dtype {
        case .bool: (code, bitpix) = (2, 8)
        case .int64: (code, bitpix) = (1024, 64)
        case .float32: (code, bitpix) = (16, 32)
        case .float64: (code, bitpix) = (64, 64)
        case .complex64: (code, bitpix) = (32, 64)
        case .complex128: (code, bitpix) = (1792, 128)
        }
        let header = makeHeader(dims: dims, affine: m, code: code, bitpix: bitpix)
        try writeFile(path, operation: "save") { file in
            let gzip = path.lowercased().hasSuffix(".gz")
            let deflater = gzip ? try DeflateSink(file: file, level: 6, windowBits: MAX_WBITS + 16, operation: "save") : nil
            let sink: ByteSink = deflater ?? FileSink(file: file)
            try header.withUnsafeBytes { try sink.write($0, operation: "save") }
            try NPY.writeElements(array, into: sink, operation: "save")
            try deflater?.finish(operation: "save")
        }
    }

    /// The 348-byte header plus the 4-byte empty extension flag, little-endian.
    static func makeHeader(dims: [Int], affine m: [[Double]], code: Int16, bitpix: Int16) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 352)
        func put<T: FixedWidthInteger>(_ v: T, _ o: Int) { withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { h[o + i] = b } } }
        func putF(_ v: Double, _ o: Int) { put(Float(v).bitPattern, o) }
        put(Int32(348), 0)
        put(Int16(dims.count), 40)
        for i in 0..<7 { put(Int16(i < dims.count ? dims[i] : 1), 42 + 2 * i) }
        put(code, 70)
        put(bitpix, 72)
        // Voxel sizes are the lengths of the affine's columns; a negative determinant is qfac −1.
        let cols = (0..<3).map { j in (0..<3).map { m[$0][j] } }
        let size = cols.map { c in Swift.max((c[0] * c[0] + c[1] * c[1] + c[2] * c[2]).squareRoot(), 1e-12) }
        var r = (0..<3).map { i in (0..<3).map { m[i][$0] / size[$0] } }
        let det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
            + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0])
        let qfac: Double = det < 0 ? -1 : 1
        if qfac < 0 { for i in 0..<3 { r[i][2] = -r[i][2] } }
        putF(qfac, 76)
        for i in 0..<3 { putF(size[i], 80 + 4 * i) }
        for i in 3..<7 { putF(1, 80 + 4 * i) }
        putF(352, 108)
        putF(1, 112)  // scl_slope 1, scl_inter 0: values as stored
        h[123] = 2 | 8  // mm, seconds
        let q = quaternion(r)
        put(Int16(1), 252)
        put(Int16(1), 254)
        for i in 0..<3 { putF(q[i], 256 + 4 * i); putF(m[i][3], 268 + 4 * i) }
        for row in 0..<3 { for j in 0..<4 { putF(m[row][j], 280 + 16 * row + 4 * j) } }
        for (i, b) in "n+1".utf8.enumerated() { h[344 + i] = b }
        return h
    }

    /// Quaternion (b, c, d) of a proper rotation (nifti1_io's mat44_to_quatern, a ≥ 0).
    static func quaternion(_ r: [[Double]]) -> [Double] {
        var a = r[0][0] + r[1][1] + r[2][2] + 1, b: Double, c: Double, d: Double
        if a > 0.5 {
            a = 0.5 * a.squareRoot()
            b = 0.25 * (r[2][1] - r[1][2]) / a; c = 0.25 * (r[0][2] - r[2][0]) / a; d = 0.25 * (r[1][0] - r[0][1]) / a
        } else {
            let xd = 1 + r[0][0] - (r[1][1] + r[2][2]), yd = 1 + r[1][1] - (r[0][0] + r[2][2]), zd = 1 + r[2][2] - (r[0][0] + r[1][1])
            if xd > 1 {
                b = 0.5 * xd.squareRoot(); c = 0.25 * (r[0][1] + r[1][0]) / b; d = 0.25 * (r[0][2] + r[2][0]) / b; a = 0.25 * (r[2][1] - r[1][2]) / b
            } else if yd > 1 {
                c = 0.5 * yd.squareRoot(); b = 0.25 * (r[0][1] + r[1][0]) / c; d = 0.25 * (r[1][2] + r[2][1]) / c; a = 0.25 * (r[0][2] - r[2][0]) / c
            } else {
                d = 0.5 * zd.squareRoot(); b = 0.25 * (r[0][2] + r[2][0]) / d; c = 0.25 * (r[1][2] + r[2][1]) / d; a = 0.25 * (r[1][0] - r[0][1]) / d
            }
            if a < 0 { b = -b; c = -c; d = -d }
        }
        return [b, c, d]
    }
}

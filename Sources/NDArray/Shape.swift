/// Shape arithmetic shared by every array operation. Shapes are lists of non-negative sizes,
/// first index fastest in memory (column-major).
public enum Shape {
    /// The largest rank an array may have (ISMRMRD buffers use 7, BART 16).
    public static let maxRank = 32

    /// Number of elements, refusing negative sizes and products that overflow.
    public static func count(_ shape: [Int], operation: String = "shape") throws -> Int {
        if shape.count > maxRank {
            throw ArrayError(operation, "rank \(shape.count) exceeds the maximum of \(maxRank)")
        }
        var n = 1
        for s in shape {
            if s < 0 { throw ArrayError(operation, "negative dimension \(s) in shape \(text(shape))") }
            let (p, o) = n.multipliedReportingOverflow(by: s)
            if o { throw ArrayError(operation, "shape \(text(shape)) has too many elements") }
            n = p
        }
        return n
    }

    /// Column-major (Fortran) element strides for a contiguous array.
    public static func columnMajorStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: shape.count)
        var s = 1
        for i in 0..<shape.count {
            strides[i] = s
            s &*= Swift.max(shape[i], 1)
        }
        return strides
    }

    /// `[256, 64, 12]`.
    public static func text(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// `256×64×12` (or `scalar` for rank 0).
    public static func dims(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
    }

    /// Resolves a possibly negative axis against a rank.
    public static func axis(_ axis: Int, rank: Int, operation: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else {
            let valid = rank == 0 ? "it has no axes" : "axes are 0…\(rank - 1), or -\(rank)…-1 from the end"
            throw ArrayError(operation, "axis \(axis) is out of range for an array of rank \(rank) (\(valid))")
        }
        return a
    }

    /// Resolves a list of axes; duplicates are an error.
    public static func axes(_ axes: [Int], rank: Int, operation: String) throws -> [Int] {
        var seen = Set<Int>()
        var out: [Int] = []
        for a in axes {
            let r = try axis(a, rank: rank, operation: operation)
            if !seen.insert(r).inserted { throw ArrayError(operation, "axis \(a) is repeated") }
            out.append(r)
        }
        return out
    }

    /// Broadcasting of two shapes: sizes must match or be 1, and the shorter shape is padded with
    /// trailing 1s. Shapes line up from the first (fastest) dimension, as in Julia, MATLAB and BART, so
    /// an image `[RO, E1]` times coil maps `[RO, E1, CHA]` needs no reshaping.
    public static func broadcast(_ a: [Int], _ b: [Int], operation: String) throws -> [Int] {
        let n = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < a.count ? a[i] : 1
            let db = i < b.count ? b[i] : 1
            if da == db || db == 1 { out[i] = da }
            else if da == 1 { out[i] = db }
            else {
                throw ArrayError(operation, "shapes \(text(a)) and \(text(b)) cannot be broadcast together (dimension \(i): \(da) vs \(db))")
            }
        }
        return out
    }

    /// Strides that read an array of `shape`/`strides` as if it had shape `target` (zero stride on
    /// broadcast dimensions). The caller has checked compatibility.
    public static func broadcastStrides(shape: [Int], strides: [Int], to target: [Int]) -> [Int] {
        var out = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 {
            out[i] = strides[i]
        }
        return out
    }
}

import Foundation
import NDArray

/// The fields of a TrackVis header that matter for reading and writing streamlines.
public struct TRKHeader: Sendable, Equatable {
    /// Volume dimensions the tracks were made in.
    public var dims: [Int]
    /// Voxel size in mm.
    public var voxelSize: [Double]
    /// Voxel-to-RAS+ mm affine, row-major 4×4 (identity when the file has none, as nibabel does).
    public var voxToRAS: [[Double]]
    /// Voxel order, e.g. "LAS" (the orientation of TrackVis's voxel axes).
    public var voxelOrder: String
    /// Number of streamlines the header declares (0: unknown, read to the end).
    public var count: Int
    /// Format version (2 for files with vox_to_ras).
    public var version: Int
    /// Scalars stored per point (read past, not kept).
    public var scalarCount: Int
    /// Properties stored per streamline (read past, not kept).
    public var propertyCount: Int
}

/// A TrackVis file's header and streamlines (in world RAS+ mm).
public struct TRKFile: Sendable {
    /// The header.
    public var header: TRKHeader
    /// The streamlines in world RAS+ mm.
    public var streamlines: Streamlines
}

/// TrackVis `.trk` files (version 2). Points in the file are "voxmm": voxel coordinates times
/// voxel size with the origin at the corner of voxel 0, so a voxel centre is half a voxel in;
/// converting to world applies nibabel's exact transform (`get_affine_trackvis_to_rasmm`):
/// divide by voxel size, subtract 0.5, reorient from voxel_order to the affine's orientation,
/// then apply vox_to_ras.
public enum TRK {
    static let headerSize = 1000

    /// Reads the header only.
    public static func readHeader(_ path: String) throws -> TRKHeader {
        let file = try InputFile(path, operation: "load")
        return try parseHeader(file).0
    }

    /// Reads every streamline, converted to world RAS+ mm.
    public static func read(_ path: String) throws -> TRKFile {
        let file = try InputFile(path, operation: "load")
        let (header, little) = try parseHeader(file)
        let m = try voxmmToWorld(header, label: path)
        let body = try file.bytes(at: headerSize, count: file.size - headerSize, operation: "load")
        let f = EndianFields(bytes: body, little: little)
        var lines = Streamlines()
        var pos = 0, n = 0
        let perPoint = 3 + header.scalarCount
        while pos < body.count && (header.count == 0 || n < header.count) {
            guard body.count - pos >= 4 else { throw fileError("load", path, "truncated: streamline \(n) has a cut-short point count") }
            let np = f.i32(pos)
            pos += 4
            guard np >= 0 else { throw fileError("load", path, "streamline \(n) has a negative point count \(np)") }
            let need = (np * perPoint + header.propertyCount) * 4
            guard need <= body.count - pos else {
                throw fileError("load", path, "truncated: streamline \(n) declares \(np) points (\(need) bytes), only \(body.count - pos) bytes are left")
            }
            var line: [SIMD3<Float>] = []
            line.reserveCapacity(np)
            for k in 0..<np {
                let o = pos + k * perPoint * 4
                let v = (f.f32(o), f.f32(o + 4), f.f32(o + 8))
                line.append(SIMD3(Float(m[0][0] * v.0 + m[0][1] * v.1 + m[0][2] * v.2 + m[0][3]),
                                  Float(m[1][0] * v.0 + m[1][1] * v.1 + m[1][2] * v.2 + m[1][3]),
                                  Float(m[2][0] * v.0 + m[2][1] * v.1 + m[2][2] * v.2 + m[2][3])))
            }
            lines.append(line)
            pos += need
            n += 1
            if n % 4096 == 0 { try Interrupt.check() }
        }
        guard header.count == 0 || n == header.count else {
            throw fileError("load", path, "truncated: the header declares \(header.count) streamlines, the file holds \(n)")
        }
        return TRKFile(header: header, streamlines: lines)
    }

    /// Writes streamlines (world RAS+ mm) for a volume with the given voxel-to-world `affine`
    /// (row-major 4×4), `dims` and voxel sizes (default: the lengths of the affine's columns).
    /// The header's voxel_order is the affine's own orientation, so readers need no reorientation.
    public static func write(_ streamlines: Streamlines, affine: [[Double]], dims: [Int], voxelSize: [Double]? = nil, to path: String) throws {
        func bad(_ p: String) -> ArrayError { fileError("save", path, p) }
        guard affine.count == 4, affine.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isFinite) }) else { throw bad("the affine must be 4×4 finite numbers") }
        guard dims.count == 3, dims.allSatisfy({ $0 >= 0 && $0 <= Int(Int16.max) }) else { throw bad("dims must be three sizes from 0 to \(Int16.max), got \(Shape.text(dims))") }
        let vs: [Double] = voxelSize ?? (0..<3).map { (j: Int) -> Double in
            let c0: Double = affine[0][j], c1: Double = affine[1][j], c2: Double = affine[2][j]
            return (c0 * c0 + c1 * c1 + c2 * c2).squareRoot()
        }
        guard vs.count == 3, vs.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw bad("voxel sizes must be three positive numbers, got \(vs)") }
        guard let inv = invert4(affine) else { throw bad("the affine is singular") }
        guard streamlines.count <= Int(Int32.max) else { throw bad("too many streamlines for TrackVis (\(streamlines.count))") }
        var w = LittleEndianWriter()
        w.append(Array("TRACK".utf8) + [0])
        for d in dims { w.u16(UInt16(d)) }
        for v in vs { w.u32(Float(v).bitPattern) }
        for _ in 0..<3 { w.u32(0) }  // origin (unused by TrackVis)
        w.u16(0); w.append([UInt8](repeating: 0, count: 200))  // no scalars
        w.u16(0); w.append([UInt8](repeating: 0, count: 200))  // no properties
        for row in affine { for v in row { w.u32(Float(v).bitPattern) } }
        w.append([UInt8](repeating: 0, count: 444))
        w.append(Array(axisCodes(affine).utf8) + [0])
        w.append([UInt8](repeating: 0, count: 4))
        for v in [1.0, 0, 0, 0, 1, 0] { w.u32(Float(v).bitPattern) }  // image_orientation_patient
        w.append([UInt8](repeating: 0, count: 8))  // pad1, invert/swap flags
        w.u32(UInt32(streamlines.count)); w.u32(2); w.u32(UInt32(headerSize))
        // world → voxel → voxmm (corner origin): (inv · p + 0.5) · voxel size.
        try writeFile(path, operation: "save") { file in
            try file.write(w.bytes, operation: "save")
            var chunk = LittleEndianWriter()
            for i in 0..<streamlines.count {
                chunk.u32(UInt32(streamlines.pointCount(i)))
                for p in streamlines[i] {
                    let x = Double(p.x), y = Double(p.y), z = Double(p.z)
                    for r in 0..<3 {
                        let row: [Double] = inv[r]
                        var v: Double = row[0] * x + row[1] * y
                        v += row[2] * z + row[3] + 0.5
                        v *= vs[r]
                        chunk.u32(Float(v).bitPattern)
                    }
                }
                if chunk.bytes.count > ioChunkBytes { try file.write(chunk.bytes, operation: "save"); chunk = LittleEndianWriter(); try Interrupt.check() }
            }
            try file.write(chunk.bytes, operation: "save")
        }
    }

    private static func parseHeader(_ file: InputFile) throws -> (TRKHeader, Bool) {
        func bad(_ p: String) -> ArrayError { fileError("load", file.path, p) }
        guard file.size >= headerSize else { throw bad("truncated: \(file.size) bytes, a TrackVis header needs \(headerSize)") }
        let bytes = try file.bytes(at: 0, count: headerSize, operation: "load")
        guard bytes[0..<5].elementsEqual("TRACK".utf8) else { throw bad("not a TrackVis file (id_string is not 'TRACK')") }
        let le = EndianFields(bytes: bytes, little: true)
        let f = le.i32(996) == headerSize ? le : EndianFields(bytes: bytes, little: false)
        guard f.i32(996) == headerSize else { throw bad("hdr_size is \(le.i32(996)), not \(headerSize)") }
        let version = f.i32(992)
        guard version == 1 || version == 2 else { throw bad("unsupported TrackVis version \(version) (1 or 2 expected)") }
        let dims = (0..<3).map { f.i16(6 + 2 * $0) }
        let vs = (0..<3).map { f.f32(12 + 4 * $0) }
        var v2r = (0..<4).map { r in (0..<4).map { f.f32(440 + 16 * r + 4 * $0) } }
        if v2r[3][3] == 0 { v2r = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] }  // nibabel's rule for files without one
        var order = f.text(948, 4).uppercased()
        if order.isEmpty { order = "LPS" }  // TrackVis's default when the field is blank (nibabel agrees)
        let ns = f.i16(36), np = f.i16(238), count = f.i32(988)
        guard ns >= 0, np >= 0 else { throw bad("negative n_scalars \(ns) or n_properties \(np)") }
        guard count >= 0 else { throw bad("negative n_count \(count)") }
        let header = TRKHeader(dims: dims, voxelSize: vs, voxToRAS: v2r, voxelOrder: order, count: count,
                               version: version, scalarCount: ns, propertyCount: np)
        return (header, f.little)
    }

    /// nibabel's voxmm → RAS+ mm transform for this header.
    static func voxmmToWorld(_ h: TRKHeader, label: String) throws -> [[Double]] {
        guard h.voxelSize.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw fileError("load", label, "voxel sizes \(h.voxelSize) must be positive to place the points")
        }
        // voxmm → TrackVis voxel (centre-based).
        var a = [[1 / h.voxelSize[0], 0, 0, -0.5], [0, 1 / h.voxelSize[1], 0, -0.5], [0, 0, 1 / h.voxelSize[2], -0.5], [0, 0, 0, 1]]
        guard let headerOrnt = ornt(fromCodes: h.voxelOrder) else {
            throw fileError("load", label, "voxel_order \(quotedForMessage(h.voxelOrder, limit: 8)) is not three of L/R, A/P, I/S")
        }
        guard let affineOrnt = ornt(fromCodes: axisCodes(h.voxToRAS)) else { throw fileError("load", label, "vox_to_ras has no orientation") }
        // ornt_transform(header, affine) then inv_ornt_aff: (M·v)[i] = flip_i · v[j_i] + t_i, where
        // header axis i and affine axis j_i point along the same world axis.
        var m = [[0.0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]]
        for i in 0..<3 {
            guard let j = affineOrnt.firstIndex(where: { $0.axis == headerOrnt[i].axis }) else {
                throw fileError("load", label, "voxel_order \(h.voxelOrder) and vox_to_ras disagree on the axes")
            }
            let flip: Double = headerOrnt[i].sign == affineOrnt[j].sign ? 1 : -1
            m[i][j] = flip
            m[i][3] = flip < 0 ? Double(h.dims[i] - 1) : 0
        }
        a = multiply4(m, a)
        return multiply4(h.voxToRAS, a)
    }

    /// Orientation of each voxel axis from codes like "LAS": world axis (0 x, 1 y, 2 z) and sign.
    static func ornt(fromCodes codes: String) -> [(axis: Int, sign: Int)]? {
        let table: [Character: (Int, Int)] = ["L": (0, -1), "R": (0, 1), "P": (1, -1), "A": (1, 1), "I": (2, -1), "S": (2, 1)]
        let out = codes.uppercased().compactMap { table[$0] }.map { (axis: $0.0, sign: $0.1) }
        guard out.count == 3, Set(out.map(\.axis)).count == 3 else { return nil }
        return out
    }

    /// The RAS axis codes of an affine's voxel axes ("LAS"), nibabel's aff2axcodes for
    /// axis-aligned affines: each voxel axis takes the world axis its column points along most.
    static func axisCodes(_ affine: [[Double]]) -> String {
        var used = Set<Int>()
        var codes = [Character](repeating: "?", count: 3)
        // Greedy over the largest remaining |entry|, as io_orientation does on the rotation part.
        let cols = (0..<3).map { j -> [Double] in
            let c = (0..<3).map { affine[$0][j] }
            let n = Swift.max((c.map { $0 * $0 }.reduce(0, +)).squareRoot(), 1e-300)
            return c.map { $0 / n }
        }
        var doneCols = Set<Int>()
        for _ in 0..<3 {
            var best = (0, 0, -1.0)
            for j in 0..<3 where !doneCols.contains(j) { for w in 0..<3 where !used.contains(w) && abs(cols[j][w]) > best.2 { best = (j, w, abs(cols[j][w])) } }
            let (j, w, _) = best
            doneCols.insert(j); used.insert(w)
            let positive = cols[j][w] >= 0
            codes[j] = ([["L", "R"], ["P", "A"], ["I", "S"]] as [[Character]])[w][positive ? 1 : 0]
        }
        return String(codes)
    }
}

/// Product of two 4×4 matrices.
func multiply4(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
    (0..<4).map { i in (0..<4).map { j in (0..<4).reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
}

/// Inverse of a 4×4 matrix (a voxel-to-world affine) by Gauss–Jordan elimination with partial
/// pivoting, or nil if singular. Shared by the TrackVis reader and the tracker.
public func invert4(_ m: [[Double]]) -> [[Double]]? {
    var a = m.enumerated().map { i, row in row + (0..<4).map { $0 == i ? 1.0 : 0.0 } }
    for c in 0..<4 {
        guard let p = (c..<4).max(by: { abs(a[$0][c]) < abs(a[$1][c]) }), abs(a[p][c]) > 1e-300 else { return nil }
        a.swapAt(c, p)
        let d = a[c][c]
        a[c] = a[c].map { $0 / d }
        for r in 0..<4 where r != c {
            let f = a[r][c]
            if f != 0 { a[r] = zip(a[r], a[c]).map { $0 - f * $1 } }
        }
    }
    return a.map { Array($0[4...]) }
}

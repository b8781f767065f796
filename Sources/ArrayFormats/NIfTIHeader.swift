import Foundation
import NDArray

/// The fields of a NIfTI-1 header that a user of an image needs, already validated.
public struct NIfTIHeader: Sendable, Equatable {
    /// Image dimensions (dim[1] … dim[dim[0]]), x fastest.
    public var dims: [Int]
    /// NIfTI datatype code (2 uint8, 4 int16, 8 int32, 16 float32, 64 float64, …).
    public var datatype: Int
    /// The datatype's name ("float32", "int16", …).
    public var datatypeName: String
    /// pixdim[0…7]; pixdim[0] is qfac, pixdim[1…3] the voxel size.
    public var pixdim: [Double]
    /// Byte offset of the voxel data in the (uncompressed) file.
    public var voxOffset: Int
    /// Data scaling: value = stored · slope + inter (slope 0 means none).
    public var sclSlope: Double
    /// Data scaling intercept.
    public var sclInter: Double
    /// qform_code (0 unknown, 1 scanner, 2 aligned, 3 Talairach, 4 MNI).
    public var qformCode: Int
    /// sform_code (same codes as qform).
    public var sformCode: Int
    /// Quaternion b, c, d of the qform rotation.
    public var quaternion: [Double]
    /// qform translation (qoffset_x, y, z) in mm.
    public var qoffset: [Double]
    /// The sform rows srow_x, srow_y, srow_z.
    public var srow: [[Double]]
    /// Spatial and temporal units (xyzt_units; 2 = mm, 8 = s).
    public var xyztUnits: Int
    /// The 80-character description.
    public var description: String
    /// True when the file was little-endian.
    public var littleEndian: Bool
    /// The voxel-to-world (RAS+ mm) affine, row-major 4×4: from the sform when sform_code > 0,
    /// else from the qform when qform_code > 0, else pixdim scaling.
    public var affine: [[Double]]

    /// Voxel sizes along the first three axes (|pixdim[1…3]|, 1 for missing axes).
    public var voxelSize: [Double] { (1...3).map { pixdim[$0] == 0 ? 1 : abs(pixdim[$0]) } }
}

/// The header's data types: NIfTI code, bytes per voxel, name, and our element type.
struct NIfTIDataType {
    let code: Int
    let size: Int
    let name: String
    let target: DType

    static let all: [NIfTIDataType] = [
        .init(code: 2, size: 1, name: "uint8", target: .int64),
        .init(code: 4, size: 2, name: "int16", target: .int64),
        .init(code: 8, size: 4, name: "int32", target: .int64),
        .init(code: 16, size: 4, name: "float32", target: .float32),
        .init(code: 32, size: 8, name: "complex64", target: .complex64),
        .init(code: 64, size: 8, name: "float64", target: .float64),
        .init(code: 256, size: 1, name: "int8", target: .int64),
        .init(code: 512, size: 2, name: "uint16", target: .int64),
        .init(code: 768, size: 4, name: "uint32", target: .int64),
        .init(code: 1024, size: 8, name: "int64", target: .int64),
        .init(code: 1280, size: 8, name: "uint64", target: .int64),
        .init(code: 1792, size: 16, name: "complex128", target: .complex128),
    ]
    static func of(code: Int) -> NIfTIDataType? { all.first { $0.code == code } }
    var componentSize: Int { target.isComplex ? size / 2 : size }
}

/// Reads fixed-offset fields of a header in either byte order.
struct EndianFields {
    let bytes: [UInt8]
    let little: Bool

    func u(_ offset: Int, _ n: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<n {
            let b = UInt64(bytes[offset + (little ? i : n - 1 - i)])
            v |= b << (8 * UInt64(i))
        }
        return v
    }
    func i16(_ o: Int) -> Int { Int(Int16(truncatingIfNeeded: u(o, 2))) }
    func i32(_ o: Int) -> Int { Int(Int32(truncatingIfNeeded: u(o, 4))) }
    func f32(_ o: Int) -> Double { Double(Float(bitPattern: UInt32(truncatingIfNeeded: u(o, 4)))) }
    func text(_ o: Int, _ n: Int) -> String {
        let raw = bytes[o..<(o + n)].prefix { $0 != 0 }
        return String(decoding: raw, as: UTF8.self)
    }
}

extension NIfTIHeader {
    /// Parses and validates a 348-byte header; `label` names the file in errors.
    static func parse(_ bytes: [UInt8], label: String) throws -> (NIfTIHeader, NIfTIDataType) {
        func bad(_ problem: String) -> ArrayError { fileError("load", label, problem) }
        guard bytes.count >= 348 else { throw bad("truncated: \(bytes.count) bytes, a NIfTI-1 header needs 348") }
        let le = EndianFields(bytes: bytes, little: true), be = EndianFields(bytes: bytes, little: false)
        let f: EndianFields
        if le.i32(0) == 348 { f = le } else if be.i32(0) == 348 { f = be } else {
            if le.i32(0) == 540 || be.i32(0) == 540 { throw bad("is a NIfTI-2 file (header size 540); only NIfTI-1 is supported") }
            throw bad("not a NIfTI-1 file: sizeof_hdr is \(le.i32(0)), not 348")
        }
        let magic = f.text(344, 4)
        guard magic == "n+1" else {
            if magic == "ni1" { throw bad("is a header/image pair (magic 'ni1'); only single-file .nii is supported") }
            throw bad("bad magic \(quotedForMessage(magic, limit: 8)) (expected 'n+1')")
        }
        let rank = f.i16(40)
        guard (1...7).contains(rank) else { throw bad("dim[0] is \(rank); NIfTI-1 allows 1 to 7 dimensions") }
        let dims = (1...rank).map { f.i16(40 + 2 * $0) }
        if let negative = dims.first(where: { $0 < 0 }) { throw bad("negative dimension \(negative) in dims \(Shape.text(dims))") }
        let code = f.i16(70)
        guard let type = NIfTIDataType.of(code: code) else {
            let known = NIfTIDataType.all.map(\.name).joined(separator: ", ")
            throw bad(code == 128 ? "rgb24 data is not supported" : "unsupported datatype code \(code) (supported: \(known))")
        }
        let bitpix = f.i16(72)
        guard bitpix == 8 * type.size else { throw bad("bitpix \(bitpix) disagrees with datatype \(type.name) (\(8 * type.size) bits)") }
        let pixdim = (0..<8).map { f.f32(76 + 4 * $0) }
        let vox = f.f32(108)
        guard vox.isFinite, vox >= 0, vox == vox.rounded(), vox < Double(Int32.max) else { throw bad("vox_offset \(vox) is not a non-negative whole number of bytes") }
        guard Int(vox) >= 348 else { throw bad("vox_offset \(Int(vox)) lies inside the 348-byte header") }
        var slope = f.f32(112), inter = f.f32(116)
        if !slope.isFinite || !inter.isFinite { slope = 0; inter = 0 }  // nibabel also ignores non-finite scaling
        let quaternion = [f.f32(256), f.f32(260), f.f32(264)]
        let qoffset = [f.f32(268), f.f32(272), f.f32(276)]
        let srow = (0..<3).map { r in (0..<4).map { f.f32(280 + 16 * r + 4 * $0) } }
        var header = NIfTIHeader(dims: dims, datatype: code, datatypeName: type.name, pixdim: pixdim, voxOffset: Int(vox),
                                 sclSlope: slope, sclInter: inter, qformCode: f.i16(252), sformCode: f.i16(254),
                                 quaternion: quaternion, qoffset: qoffset, srow: srow, xyztUnits: Int(bytes[123]),
                                 description: f.text(148, 80), littleEndian: f.little, affine: [])
        header.affine = header.computeAffine()
        return (header, type)
    }

    /// The voxel-to-world affine by the NIfTI-1 rules (sform, then qform, then pixdim).
    func computeAffine() -> [[Double]] {
        if sformCode > 0 { return srow + [[0, 0, 0, 1]] }
        if qformCode > 0 {
            var (b, c, d) = (quaternion[0], quaternion[1], quaternion[2])
            var a = 1 - (b * b + c * c + d * d)
            if a < 1e-7 {
                // Rounding put the quaternion just outside the unit sphere: a = 0, renormalise (nifti1_io).
                let n = 1 / (b * b + c * c + d * d).squareRoot()
                b *= n; c *= n; d *= n; a = 0
            } else { a = a.squareRoot() }
            let qfac: Double = pixdim[0] < 0 ? -1 : 1
            let r = [[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                     [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
                     [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b]]
            let scale = [voxelSize[0], voxelSize[1], voxelSize[2] * qfac]
            return (0..<3).map { i in (0..<3).map { r[i][$0] * scale[$0] } + [qoffset[i]] } + [[0, 0, 0, 1]]
        }
        let s = voxelSize
        return [[s[0], 0, 0, 0], [0, s[1], 0, 0], [0, 0, s[2], 0], [0, 0, 0, 1]]
    }
}

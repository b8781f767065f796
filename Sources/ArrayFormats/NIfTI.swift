import Foundation
import NDArray

/// A NIfTI-1 image: its voxels, header and voxel-to-world affine.
public struct NIfTIImage: @unchecked Sendable {
    /// The voxels, shape `header.dims` (x fastest), scaled by scl_slope/scl_inter when set.
    public var data: NDArray
    /// The validated header fields.
    public var header: NIfTIHeader
    /// Voxel (i, j, k, 1) to world RAS+ mm, row-major 4×4.
    public var affine: [[Double]] { header.affine }
    /// Voxel sizes in mm along x, y, z.
    public var voxelSize: [Double] { header.voxelSize }
}

/// NIfTI-1 single files, `.nii` and gzip-compressed `.nii.gz` (detected by content).
public enum NIfTI {
    /// Reads an image. Integer voxels load as int64, float32/float64/complex as themselves; when
    /// scl_slope is set (non-zero, and not the identity 1·x + 0) the data is scaled and becomes
    /// float32 (float64 and complex data keep their type).
    public static func read(_ path: String) throws -> NIfTIImage {
        let file = try InputFile(path, operation: "load")
        let source: ByteSource = try startsWithGzipMagic(file, operation: "load")
            ? GzipSource(file: file, operation: "load")
            : FileRegionSource(file: file, start: 0, end: file.size, label: path)
        let (header, type) = try readHeader(source, file: file)
        let count = try Shape.count(header.dims, operation: "load")
        let (nbytes, overflow) = count.multipliedReportingOverflow(by: type.size)
        guard !overflow else { throw fileError("load", path, "dims \(Shape.text(header.dims)) of \(type.name) need more than \(Int.max) bytes") }
        if source is GzipSource {
            // The compressed file cannot expand beyond deflate's limit; a header claiming more lies.
            guard nbytes / maximumDeflateRatio <= file.size else {
                throw fileError("load", path, "dims \(Shape.text(header.dims)) of \(type.name) need \(nbytes) bytes, more than a \(file.size)-byte gzip file can hold")
            }
        } else {
            guard header.voxOffset <= file.size else {
                throw fileError("load", path, "vox_offset \(header.voxOffset) is past the end of the \(file.size)-byte file")
            }
            guard nbytes <= file.size - header.voxOffset else {
                throw fileError("load", path, "truncated: dims \(Shape.text(header.dims)) of \(type.name) need \(nbytes) bytes from vox_offset \(header.voxOffset), the file has \(file.size - header.voxOffset)")
            }
        }
        _ = try source.readBytes(header.voxOffset - 348, operation: "load")  // header extensions
        var raw = try ArrayStorage(byteCount: Swift.max(nbytes, 1), zeroed: false, operation: "load")
        try source.readExactly(UnsafeMutableRawBufferPointer(start: raw.pointer, count: nbytes), operation: "load")
        if !header.littleEndian {
            ElementDecoding.swapBytes(UnsafeMutableRawBufferPointer(start: raw.pointer, count: nbytes), componentSize: type.componentSize)
        }
        var data = try convert(raw.pointer, count: count, type: type, shape: header.dims)
        raw = try ArrayStorage(byteCount: 1, zeroed: false)  // free the bytes before scaling
        let scaled = header.sclSlope != 0 && !(header.sclSlope == 1 && header.sclInter == 0)
        if scaled { data = try scale(data, slope: header.sclSlope, inter: header.sclInter) }
        return NIfTIImage(data: data, header: header)
    }

    /// Reads only the header (for `ArrayFile.metadata`), checking it like `read` does.
    public static func readHeader(_ path: String) throws -> NIfTIHeader {
        let file = try InputFile(path, operation: "load")
        let source: ByteSource = try startsWithGzipMagic(file, operation: "load")
            ? GzipSource(file: file, operation: "load")
            : FileRegionSource(file: file, start: 0, end: file.size, label: path)
        return try readHeader(source, file: file).0
    }

    private static func readHeader(_ source: ByteSource, file: InputFile) throws -> (NIfTIHeader, NIfTIDataType) {
        if !(source is GzipSource) && file.size < 348 {
            throw fileError("load", file.path, "truncated: \(file.size) bytes, a NIfTI-1 header needs 348")
        }
        return try NIfTIHeader.parse(try source.readBytes(348, operation: "load"), label: file.path)
    }

    /// Native-order voxel bytes to an array of the type's target dtype.
    private static func convert(_ p: UnsafeMutableRawPointer, count: Int, type: NIfTIDataType, shape: [Int]) throws -> NDArray {
        let out = try NDArray(uninitialized: shape, dtype: type.target, operation: "load")
        let o = out.rawBasePointer
        func widen<T: BinaryInteger>(_: T.Type) {
            let dst = o.assumingMemoryBound(to: Int.self)
            for i in 0..<count { dst[i] = Int(truncatingIfNeeded: p.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)) }
        }
        switch type.code {
        case 2: widen(UInt8.self)
        case 256: widen(Int8.self)
        case 4: widen(Int16.self)
        case 512: widen(UInt16.self)
        case 8: widen(Int32.self)
        case 768: widen(UInt32.self)
        case 1024: widen(Int64.self)
        case 1280:
            for i in 0..<count {
                let v = p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                guard v <= UInt64(Int.max) else { throw ArrayError("load", "uint64 voxel value \(v) does not fit in int64") }
            }
            widen(UInt64.self)
        default:
            // float32, float64, complex64, complex128: the bytes already are our representation.
            o.copyMemory(from: p, byteCount: count * type.size)
        }
        return out
    }

    /// stored · slope + inter, as float32 for integer and float32 data.
    private static func scale(_ data: NDArray, slope: Double, inter: Double) throws -> NDArray {
        let target: DType = data.dtype.isInexact ? data.dtype : .float32
        var out = try data.astype(target, operation: "load")
        switch target {
        case .float32:
            out.withUnsafeMutableBufferPointer(as: Float.self) { b in for i in b.indices { b[i] = Float(Double(b[i]) * slope + inter) } }
        case .float64:
            out.withUnsafeMutableBufferPointer(as: Double.self) { b in for i in b.indices { b[i] = b[i] * slope + inter } }
        case .complex64:
            out.withUnsafeMutableBufferPointer(as: Complex<Float>.self) { b in
                for i in b.indices { b[i] = Complex<Float>(Float(Double(b[i].re) * slope + inter), Float(Double(b[i].im) * slope)) }
            }
        case .complex128:
            out.withUnsafeMutableBufferPointer(as: Complex<Double>.self) { b in
                for i in b.indices { b[i] = Complex<Double>(b[i].re * slope + inter, b[i].im * slope) }
            }
        default: break
        }
        return out
    }
}

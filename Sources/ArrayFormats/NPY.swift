import Foundation
import NDArray

/// NumPy `.npy` files. Shapes are kept as NumPy shows them: a C-order file of shape (a, b, c)
/// loads with shape [a, b, c] (its elements rearranged into our column-major layout), and we
/// write Fortran order, so `numpy.load` shows the same shape and values as mrs.
public enum NPY {
    /// Reads a .npy file. Other integer widths widen to int64, half precision to float32,
    /// big-endian data is byte-swapped; a uint64 value above Int.max is an error naming it.
    public static func read(_ path: String) throws -> NDArray {
        let file = try InputFile(path, operation: "load")
        // NumPy ignores bytes after the data, and so do we.
        return try decode(from: FileRegionSource(file: file, start: 0, end: file.size, label: path), operation: "load")
    }

    /// Writes an array as a Fortran-order .npy file (format 1.0) in its own element type.
    public static func write(_ array: NDArray, to path: String) throws {
        try writeFile(path, operation: "save") { file in
            try encode(array, into: FileSink(file: file), operation: "save")
        }
    }

    /// Reads header and data from a source, validating the declared size against what is
    /// available before allocating anything.
    static func decode(from source: ByteSource, operation: String) throws -> NDArray {
        let header = try NPYHeader.read(from: source, operation: operation)
        let label = source.label
        let shapeText = NPYHeader.tupleText(header.shape)
        let count: Int
        do {
            count = try Shape.count(header.shape)
        } catch let e as ArrayError {
            throw fileError(operation, label, "header shape \(shapeText): \(e.message)")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: header.type.size)
        guard !overflow else {
            throw fileError(operation, label, "header shape \(shapeText) of '\(header.type.descriptor)' is too large")
        }
        guard byteCount <= source.remaining else {
            throw fileError(operation, label, "truncated: the header declares shape \(shapeText) of '\(header.type.descriptor)' (\(byteCount) bytes of data) but only \(source.remaining) bytes follow the header")
        }
        // C order is column-major order of the reversed shape; permuting it back gives NumPy's shape.
        let cOrder = !header.fortranOrder && header.shape.count > 1
        let fileShape = cOrder ? Array(header.shape.reversed()) : header.shape
        let array = try NDArray(uninitialized: fileShape, dtype: header.type.target, operation: operation)
        if count > 0 {
            try ElementDecoding.read(count, of: header.type, from: source,
                                     into: array.rawBasePointer, operation: operation)
        }
        guard cOrder else { return array }
        return try array.permuted(Array((0..<fileShape.count).reversed())).copy()
    }

    /// Writes header and column-major data to a sink.
    static func encode(_ array: NDArray, into sink: ByteSink, operation: String) throws {
        let header = NPYHeader.encode(dtype: array.dtype, shape: array.shape, fortranOrder: true)
        try header.withUnsafeBytes { try sink.write($0, operation: operation) }
        try writeElements(array, into: sink, operation: operation)
    }

    /// Writes the elements' bytes in column-major order, checking for Ctrl-C between chunks.
    static func writeElements(_ array: NDArray, into sink: ByteSink, operation: String) throws {
        let data = array.contiguous()
        try withExtendedLifetime(data) {
            let base = UnsafeRawPointer(data.rawBasePointer)
            var done = 0
            while done < data.byteCount {
                let n = Swift.min(data.byteCount - done, ioChunkBytes)
                try sink.write(UnsafeRawBufferPointer(start: base + done, count: n), operation: operation)
                done += n
                try Interrupt.check()
            }
        }
    }
}

import CHDF5
import Foundation

/// Reading and writing strings, fixed or variable length, for datasets and attributes alike.
enum HDF5Strings {
    /// Reads `count` string elements of stored type `stored` through `read(memoryType, buffer)`.
    /// Variable-length strings are released with a dataspace of `count` elements. Lock held.
    static func read(count: Int, stored: HDF5TypeDescription,
                     _ read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> [String]? {
        guard case .string(let length, let utf8) = stored else { return nil }
        if count == 0 { return [] }
        let memoryType = try HDF5Datatype(.string(length: length, utf8: utf8))
        if let length = length {
            let (total, overflow) = count.multipliedReportingOverflow(by: length)
            guard !overflow else { return nil }
            var bytes = [UInt8](repeating: 0, count: total)
            let status = bytes.withUnsafeMutableBytes { read(memoryType.id, $0.baseAddress!) }
            guard status >= 0 else { return nil }
            return (0..<count).map { i in
                let slice = bytes[(i * length)..<((i + 1) * length)]
                let end = slice.firstIndex(of: 0) ?? slice.endIndex
                return String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
            }
        }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        let status = pointers.withUnsafeMutableBytes { read(memoryType.id, $0.baseAddress!) }
        guard status >= 0 else { return nil }
        let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
        let space = try HDF5Dataspace(dims: [count])
        pointers.withUnsafeMutableBytes { _ = H5Dvlen_reclaim(memoryType.id, space.id, mrs_h5p_default(), $0.baseAddress!) }
        return strings
    }

    /// Calls `body` with an array of C strings (`char *` each) holding `strings`.
    static func withCStrings<R>(_ strings: [String], _ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return try pointers.withUnsafeMutableBytes { try body(UnsafeRawPointer($0.baseAddress!)) }
    }
}

extension HDF5Dataset {
    /// Every element of a string dataset, in storage (C) order.
    public func readStrings() throws -> [String] {
        let stored = storedType
        guard case .string = stored else { throw invalid(.typeMismatch, "holds \(stored), not strings") }
        let count = elementCount
        guard count < 1 << 40 else { throw invalid("holds \(count) strings, too many to read") }
        try checkHeapObjects(rows: 0..<(dims.isEmpty ? 1 : count))
        return try HDF5Library.locked {
            let strings = try HDF5Strings.read(count: count, stored: stored) { memoryType, buffer in
                H5Dread(id, memoryType, mrs_h5s_all(), mrs_h5s_all(), mrs_h5p_default(), buffer)
            }
            guard let strings = strings else { throw failure("cannot read the strings") }
            return strings
        }
    }

    /// The strings of `rows` of a one-dimensional string dataset.
    public func readStrings(rows: Range<Int>) throws -> [String] {
        let stored = storedType
        guard case .string = stored else { throw invalid(.typeMismatch, "holds \(stored), not strings") }
        let d = dims
        guard d.count == 1 else { throw invalid("reading rows of strings needs a one-dimensional dataset, this one has dims \(d)") }
        try checkSelection(start: [rows.lowerBound], count: [rows.count], in: d)
        if rows.isEmpty { return [] }
        try checkHeapObjects(rows: rows)
        return try HDF5Library.locked {
            let s = H5Dget_space(id)
            guard s >= 0 else { throw failure("cannot get the dataspace") }
            let fileSpace = HDF5Dataspace(owning: s)
            guard fileSpace.selectHyperslab(start: [rows.lowerBound], count: [rows.count]) else {
                throw failure("cannot select rows \(rows.lowerBound)..<\(rows.upperBound)")
            }
            let memorySpace = try HDF5Dataspace(dims: [rows.count])
            let strings = try HDF5Strings.read(count: rows.count, stored: stored) { memoryType, buffer in
                H5Dread(id, memoryType, memorySpace.id, fileSpace.id, mrs_h5p_default(), buffer)
            }
            guard let strings = strings else { throw failure("cannot read the strings of rows \(rows.lowerBound)..<\(rows.upperBound)") }
            return strings
        }
    }

    /// The only string of a one-element string dataset.
    public func readString() throws -> String {
        let strings = try readStrings()
        guard strings.count == 1 else { throw invalid(.typeMismatch, "holds \(strings.count) strings, expected exactly one") }
        return strings[0]
    }

    /// Writes `strings` at `startRow` of a one-dimensional (or scalar) variable-length string dataset.
    public func writeStrings(_ strings: [String], startRow: Int = 0) throws {
        guard case .string(nil, let utf8) = storedType else {
            throw invalid(.typeMismatch, "holds \(storedType), not variable-length strings")
        }
        let d = dims
        guard d.count <= 1 else { throw invalid("strings are written to one-dimensional datasets, this one has dims \(d)") }
        if strings.isEmpty { return }
        let memoryType = try HDF5Datatype(.string(length: nil, utf8: utf8))
        let start = d.isEmpty ? [] : [startRow]
        let count = d.isEmpty ? [] : [strings.count]
        if d.isEmpty && strings.count != 1 { throw invalid("a scalar string dataset holds one string, got \(strings.count)") }
        try checkSelection(start: start, count: count, in: d)
        try HDF5Strings.withCStrings(strings) { buffer in
            try writeSelection(start: start, count: count, memoryType: memoryType, from: buffer)
        }
    }

    /// Appends strings to an extendible one-dimensional string dataset.
    public func appendStrings(_ strings: [String]) throws {
        let start = rowCount
        try resize(rows: start + strings.count)
        try writeStrings(strings, startRow: start)
    }
}

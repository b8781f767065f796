import Foundation
import HDF5Kit
import NDArray
import PeerTestSupport
import XCTest

final class HDF5RoundTripTests: XCTestCase {
    private func path(_ name: String) throws -> String {
        try makeTemporaryDirectory(self, "hdf5kit").appendingPathComponent(name).path
    }

    /// A [3, 4, 5] array of `dtype` with distinct values.
    private func sample(_ dtype: DType) throws -> NDArray {
        let n = 60
        switch dtype {
        case .bool: return try NDArray((0..<n).map { $0 % 3 == 0 }, shape: [3, 4, 5])
        case .int64: return try NDArray((0..<n).map { $0 * 1_000_003 - 7 }, shape: [3, 4, 5])
        case .float32: return try NDArray((0..<n).map { Float($0) * 0.25 - 3 }, shape: [3, 4, 5])
        case .float64: return try NDArray((0..<n).map { Double($0) / 7 }, shape: [3, 4, 5])
        case .complex64: return try NDArray((0..<n).map { Complex64(Float($0), Float(-2 * $0) + 0.5) }, shape: [3, 4, 5])
        case .complex128: return try NDArray((0..<n).map { Complex128(Double($0) / 3, 1 - Double($0)) }, shape: [3, 4, 5])
        }
    }

    private func assertSame(_ a: NDArray, _ b: NDArray, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.dtype, b.dtype, file: file, line: line)
        XCTAssertEqual(a.shape, b.shape, file: file, line: line)
        guard a.shape == b.shape else { return }
        for i in 0..<a.count {
            XCTAssertEqual(a.scalar(flat: i), b.scalar(flat: i), "element \(i)", file: file, line: line)
        }
    }

    func testEveryElementTypeRoundTripsWithReversedDims() throws {
        let p = try path("types.h5")
        let types: [DType] = [.bool, .int64, .float32, .float64, .complex64, .complex128]
        do {
            let file = try HDF5File(creating: p)
            for t in types { try file.createDataset(t.name, array: try sample(t)) }
            try file.commit()
        }
        let file = try HDF5File(path: p)
        XCTAssertEqual(try file.children(), types.map(\.name).sorted())
        for t in types {
            let d = try file.openDataset(t.name)
            XCTAssertEqual(d.dims, [5, 4, 3], "HDF5 lists the slowest dimension first")
            assertSame(try d.read(), try sample(t))
        }
        XCTAssertEqual(try file.openDataset("complex64").storedType, .complex(bytesPerPart: 4))
    }

    func testH5pySeesTheSameElementsTransposed() throws {
        let p = try path("peer.h5")
        let a = try sample(.complex64)
        do { let f = try HDF5File(creating: p); try f.createDataset("z", array: a); try f.commit() }
        // h5py reads C order: its [k, j, i] is our [i, j, k].
        let out = try runPython("""
        import sys, h5py, numpy as np
        f = h5py.File(sys.argv[1], 'r')
        z = f['z'][()]
        c = z['real'] + 1j * z['imag']
        print(c.shape, c[4, 2, 1], c[0, 3, 2])
        """, [p])
        let e1 = try a.element([1, 2, 4]), e2 = try a.element([2, 3, 0])
        func py(_ s: Scalar) -> String {
            let c = s.asComplex
            return "(\(formatPython(c.re))\(c.im < 0 ? "-" : "+")\(formatPython(abs(c.im)))j)"
        }
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "(5, 4, 3) \(py(e1)) \(py(e2))")
    }

    private func formatPython(_ d: Double) -> String {
        d == d.rounded() ? String(Int(d)) : "\(d)"
    }

    func testHyperslabReadsMatchSlices() throws {
        let p = try path("slab.h5")
        let a = try sample(.float64)
        do { let f = try HDF5File(creating: p); try f.createDataset("a", array: a); try f.commit() }
        let d = try HDF5File(path: p).openDataset("a")
        // HDF5 block start [1, 2, 0] count [3, 2, 3] is NDArray [0:3, 2:4, 1:4].
        let block = try d.read(start: [1, 2, 0], count: [3, 2, 3])
        XCTAssertEqual(block.shape, [3, 2, 3])
        for i in 0..<3 { for j in 0..<2 { for k in 0..<3 {
            XCTAssertEqual(try block.element([i, j, k]), try a.element([i, j + 2, k + 1]))
        } } }
        XCTAssertThrowsError(try d.read(start: [4, 0, 0], count: [2, 1, 1])) { error in
            XCTAssertTrue("\(error)".contains("lies outside the dimensions [5, 4, 3]"), "\(error)")
        }
    }

    func testAppendRowsToExtendibleDataset() throws {
        let p = try path("append.h5")
        do {
            let file = try HDF5File(creating: p)
            let d = try file.createExtendibleDataset("stack", type: .complex(bytesPerPart: 4), rowDims: [2, 3], chunkRows: 1)
            XCTAssertEqual(d.dims, [0, 2, 3])
            try d.append(try NDArray([Complex64(1, 1), Complex64(2, 0), Complex64(3, 0), Complex64(4, 0), Complex64(5, 0), Complex64(6, -1)], shape: [3, 2]))
            let two = try NDArray((0..<12).map { Complex64(Float($0), 0) }, shape: [3, 2, 2])
            try d.append(two)
            XCTAssertThrowsError(try d.append(try NDArray(zeros: [2, 3], dtype: .complex64))) { error in
                XCTAssertTrue("\(error)".contains("cannot append an array of shape [2, 3] to rows of shape [3, 2]"), "\(error)")
            }
            try file.commit()
        }
        let d = try HDF5File(path: p).openDataset("stack")
        XCTAssertEqual(d.dims, [3, 2, 3])
        XCTAssertEqual(d.maxDims, [nil, 2, 3])
        XCTAssertEqual(d.chunk, [1, 2, 3])
        let all = try d.read()
        XCTAssertEqual(try all.element([2, 1, 0]), .complex(Complex128(6, -1)))
        XCTAssertEqual(try all.element([1, 1, 2]), .complex(Complex128(10, 0)))
    }

    func testStringsAndAttributes() throws {
        let p = try path("strings.h5")
        do {
            let file = try HDF5File(creating: p)
            try file.createStringDataset("one", strings: ["<xml>héllo</xml>"], scalar: false)
            let list = try file.createStringDataset("list", strings: ["a", "", "ccc"], extendible: true)
            try list.appendStrings(["d", "eeee"])
            let g = try file.createGroup("g/h")
            try g.setAttribute("title", .string("a title"))
            try g.setAttribute("names", .strings(["x", "y"]))
            try g.setAttribute("values", .array(NDArray([1.5, 2.5, 3.5] as [Double])))
            try g.setAttribute("title", .string("replaced"))
            try file.commit()
        }
        let file = try HDF5File(path: p)
        XCTAssertEqual(try file.openDataset("one").readString(), "<xml>héllo</xml>")
        XCTAssertEqual(try file.openDataset("list").readStrings(), ["a", "", "ccc", "d", "eeee"])
        let g = try file.openGroup("/g/h")
        XCTAssertEqual(try g.attributeNames(), ["names", "title", "values"])
        guard case .string(let title) = try g.attribute("title") else { return XCTFail("title is not a string") }
        XCTAssertEqual(title, "replaced")
        guard case .strings(let names) = try g.attribute("names") else { return XCTFail("names are not strings") }
        XCTAssertEqual(names, ["x", "y"])
        guard case .array(let values) = try g.attribute("values") else { return XCTFail("values are not an array") }
        XCTAssertEqual(values.toArray(Double.self), [1.5, 2.5, 3.5])
        XCTAssertThrowsError(try g.attribute("missing")) { error in
            XCTAssertEqual((error as? HDF5Error)?.kind, .objectNotFound)
            XCTAssertTrue("\(error)".hasSuffix("/g/h: has no attribute 'missing'"), "\(error)")
        }
    }

    func testCompoundRowsWithVariableLengthMembers() throws {
        let p = try path("compound.h5")
        // {id: uint16, pos: float32[3], samples: vlen float32}, packed like a C struct.
        let type = HDF5TypeDescription.compound(size: 32, members: [
            HDF5CompoundMember("id", offset: 0, .uint16),
            HDF5CompoundMember("pos", offset: 2, .array(.float32, dims: [3])),
            HDF5CompoundMember("samples", offset: 16, .variableLength(.float32)),
        ])
        let memory = try HDF5Datatype(type)
        let samples: [[Float]] = [[1, 2, 3], [], [4.5]]
        do {
            let file = try HDF5File(creating: p)
            let d = try file.createExtendibleDataset("rows", type: type, chunkRows: 2)
            var buffer = [UInt8](repeating: 0, count: 32 * samples.count)
            var copies = samples.map { s -> UnsafeMutablePointer<Float> in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: max(s.count, 1))
                p.initialize(from: s, count: s.count)
                return p
            }
            defer { copies.forEach { $0.deallocate() }; copies = [] }
            buffer.withUnsafeMutableBytes { raw in
                for (i, s) in samples.enumerated() {
                    let row = raw.baseAddress! + 32 * i
                    row.storeBytes(of: UInt16(10 + i), as: UInt16.self)
                    for k in 0..<3 { row.storeBytes(of: Float(i * 3 + k), toByteOffset: 2 + 4 * k, as: Float.self) }
                    HDF5VariableLength(count: s.count, pointer: UnsafeMutableRawPointer(copies[i])).store(to: row + 16)
                }
            }
            try buffer.withUnsafeBytes { try d.appendRows(count: 3, as: memory, from: $0) }
            try file.commit()
        }
        let d = try HDF5File(path: p).openDataset("rows")
        XCTAssertEqual(d.storedType, type)
        XCTAssertEqual(d.rowCount, 3)
        var buffer = [UInt8](repeating: 0, count: 32 * 2)
        try buffer.withUnsafeMutableBytes { raw in
            try d.readRows(1..<3, as: memory, into: raw)
            for r in 0..<2 {
                let row = UnsafeRawPointer(raw.baseAddress! + 32 * r)
                XCTAssertEqual(row.loadUnaligned(as: UInt16.self), UInt16(11 + r))
                XCTAssertEqual(row.loadUnaligned(fromByteOffset: 6, as: Float.self), Float((r + 1) * 3 + 1))
                let v = HDF5VariableLength.load(from: row + 16)
                let values = v.count == 0 ? [] : Array(UnsafeBufferPointer(start: v.pointer!.assumingMemoryBound(to: Float.self), count: v.count))
                XCTAssertEqual(values, samples[r + 1])
            }
            d.reclaimVariableLength(rows: 2, as: memory, buffer: raw)
        }
        // With an allocator, the sequences land in memory it hands out (and it keeps ownership).
        let arena = CountingAllocator()
        try buffer.withUnsafeMutableBytes { raw in
            try d.readRows(0..<2, as: memory, into: raw, allocator: arena)
            let first = HDF5VariableLength.load(from: UnsafeRawPointer(raw.baseAddress! + 16))
            XCTAssertEqual(first.count, 3)
            XCTAssertTrue(arena.blocks.contains { $0 == first.pointer }, "the samples are in the allocator's memory")
            XCTAssertEqual(Array(UnsafeBufferPointer(start: first.pointer!.assumingMemoryBound(to: Float.self), count: 3)), samples[0])
        }
        XCTAssertEqual(arena.requests, [12], "one request of 3 floats; the empty sequence needs none")
    }

    /// Hands out and remembers malloc'd blocks, freeing them at the end.
    private final class CountingAllocator: HDF5VariableLengthAllocator {
        var blocks: [UnsafeMutableRawPointer] = []
        var requests: [Int] = []
        func allocate(byteCount: Int) -> UnsafeMutableRawPointer? {
            requests.append(byteCount)
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 16)
            blocks.append(p)
            return p
        }
        func release(_ pointer: UnsafeMutableRawPointer) {}
        deinit { blocks.forEach { $0.deallocate() } }
    }

    func testConcurrentReadsFromSeveralThreads() throws {
        let p = try path("threads.h5")
        let a = try sample(.float32)
        do { let f = try HDF5File(creating: p); try f.createDataset("a", array: a); try f.commit() }
        let expected = a.toArray(Float.self)
        let failures = NSLock()
        var bad = 0
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            for _ in 0..<20 {
                let ok = (try? HDF5File(path: p).openDataset("a").read().toArray(Float.self)) == expected
                if !ok { failures.lock(); bad += 1; failures.unlock() }
            }
        }
        XCTAssertEqual(bad, 0)
    }
}

import XCTest
import NDArray
import PeerTestSupport
@testable import Fourier

/// NumPy agreement, round trips, Parseval, views, errors, edge cases, plans and their cache.
final class FFTBehaviourTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        TestWisdom.useTemporaryFile()
    }

    override class func tearDown() {
        TestWisdom.remove()
        super.tearDown()
    }

    private func maxError(_ a: NDArray, _ b: NDArray) -> Double {
        DirectDFT.relativeError(a.toArray(Complex128.self), b.toArray(Complex128.self))
    }

    func testAgreesWithNumPyOnRandom3DArray() throws {
        let x = try DirectDFT.random([12, 9, 6], seed: 42)
        let cases: [(axes: [Int], python: String)] = [
            ([0, 1, 2], "(0, 1, 2)"), ([0, 1], "(0, 1)"), ([2], "(2,)"), ([0, 2], "(0, 2)"),
        ]
        for c in cases {
            let forward = try NumPyReference.run(
                "a = \(c.python)\ny = np.fft.fftshift(np.fft.fftn(np.fft.ifftshift(x, axes=a), axes=a, norm='ortho'), axes=a)", input: x)
            XCTAssertLessThan(DirectDFT.relativeError(try fft(x, axes: c.axes).toArray(Complex128.self), forward), 2e-6, "fft axes \(c.axes)")
            let inverse = try NumPyReference.run(
                "a = \(c.python)\ny = np.fft.fftshift(np.fft.ifftn(np.fft.ifftshift(x, axes=a), axes=a, norm='ortho'), axes=a)", input: x)
            XCTAssertLessThan(DirectDFT.relativeError(try ifft(x, axes: c.axes).toArray(Complex128.self), inverse), 2e-6, "ifft axes \(c.axes)")
        }
        // NumPy's own defaults when centring and orthonormal scaling are off.
        let plain = try NumPyReference.run("y = np.fft.ifftn(x, axes=(0, 2))", input: x)
        let ours = try ifft(x, axes: [0, 2], options: FFTOptions(centered: false, orthonormal: false))
        XCTAssertLessThan(DirectDFT.relativeError(ours.toArray(Complex128.self), plain), 2e-6)
    }

    func testRoundTrips() throws {
        for shape in [[7], [8], [6, 9], [5, 4, 3]] {
            let x = try DirectDFT.random(shape, seed: 3)
            for options in [FFTOptions(), FFTOptions(centered: false), FFTOptions(orthonormal: false),
                            FFTOptions(centered: false, orthonormal: false)] {
                XCTAssertLessThan(maxError(try ifft(try fft(x, options: options), options: options), x), 2e-6, "\(shape) \(options)")
                XCTAssertLessThan(maxError(try fft(try ifft(x, options: options), options: options), x), 2e-6, "\(shape) \(options)")
            }
            XCTAssertLessThan(maxError(try ifft(try fft(x, axes: [0]), axes: [0]), x), 2e-6)
        }
    }

    func testParsevalForOrthonormalTransforms() throws {
        for shape in [[16, 15], [7, 6, 5]] {
            let x = try DirectDFT.random(shape, seed: 5)
            let energy = try x.rss(axes: nil).item().asDouble
            for axes: [Int]? in [nil, [0], [1]] {
                XCTAssertEqual(try fft(x, axes: axes).rss(axes: nil).item().asDouble, energy, accuracy: energy * 1e-6)
                XCTAssertEqual(try ifft(x, axes: axes).rss(axes: nil).item().asDouble, energy, accuracy: energy * 1e-6)
            }
        }
    }

    func testNonContiguousViewsGiveTheSameResult() throws {
        let base = try DirectDFT.random([10, 9, 8], seed: 9)
        let views: [NDArray] = [
            try base.permuted([2, 0, 1]),
            try base.get([.slice(start: 1, stop: nil, step: 2), .all, .slice(start: nil, stop: nil, step: 3)]),
            try base.flipped([1]),
            base.transposed(),
            try base.get([.all, .int(3), .all]),
        ]
        for view in views {
            XCTAssertFalse(view.isContiguous && view.shape == base.shape)
            for axes: [Int]? in [nil, [0], [1], [0, 1]] where (axes ?? []).allSatisfy({ $0 < view.rank }) {
                XCTAssertEqual(try fft(view, axes: axes).toArray(Complex64.self), try fft(view.copy(), axes: axes).toArray(Complex64.self))
                XCTAssertEqual(try ifft(view, axes: axes).toArray(Complex64.self), try ifft(view.copy(), axes: axes).toArray(Complex64.self))
            }
        }
        // A real view (the real part of a complex array) is promoted like any real array.
        let realView = base.realPart()
        XCTAssertEqual(try fft(realView).toArray(Complex64.self), try fft(realView.copy()).toArray(Complex64.self))
    }

    func testAxisErrorsAreClear() throws {
        let x = try NDArray(zeros: [4, 5, 6], dtype: .complex64)
        XCTAssertThrowsError(try fft(x, axes: [3])) { error in
            XCTAssertEqual("\(error)", "fft: axis 3 is out of range for an array of shape [4, 5, 6] (rank 3)")
        }
        XCTAssertThrowsError(try ifft(x, axes: [-4])) { error in
            XCTAssertEqual("\(error)", "ifft: axis -4 is out of range for an array of shape [4, 5, 6] (rank 3)")
        }
        XCTAssertThrowsError(try fft(x, axes: [1, 1])) { error in
            XCTAssertEqual("\(error)", "fft: axis 1 is repeated in axes [1, 1]")
        }
        XCTAssertThrowsError(try fft(x, axes: [2, -1])) { error in
            XCTAssertEqual("\(error)", "fft: axis 2 is repeated in axes [2, -1] (2 and -1 are the same axis)")
        }
        XCTAssertThrowsError(try fft(x, options: FFTOptions(threads: 0))) { error in
            XCTAssertTrue("\(error)".contains("threads must be at least 1"), "\(error)")
        }
        XCTAssertThrowsError(try FFTPlan(shape: [4, 5], dtype: .float32)) { error in
            XCTAssertTrue("\(error)".contains("complex64 or complex128"), "\(error)")
        }
        let plan = try FFTPlan(shape: [4, 5])
        XCTAssertThrowsError(try plan.forward(x)) { error in
            XCTAssertEqual("\(error)", "fft: plan made for shape [4, 5] cannot transform an array of shape [4, 5, 6]")
        }
    }

    func testZeroLengthAndTrivialShapes() throws {
        let empty = try NDArray(zeros: [0, 4], dtype: .float32)
        let y = try fft(empty)
        XCTAssertEqual(y.shape, [0, 4])
        XCTAssertEqual(y.dtype, .complex64)
        XCTAssertEqual(try ifft(try NDArray(zeros: [3, 0, 2], dtype: .complex64), axes: [0]).shape, [3, 0, 2])
        // No axes: only the type changes (and nothing is scaled).
        let x = try DirectDFT.random([3, 4], seed: 2)
        XCTAssertEqual(try fft(x, axes: []).toArray(Complex64.self), x.toArray(Complex64.self))
        // A 0-d array and length-1 axes are identities.
        let scalar = try NDArray(scalar: .complex(Complex128(2, -1)), dtype: .complex64)
        XCTAssertEqual(try fft(scalar).toArray(Complex64.self), [Complex64(2, -1)])
        let column = try DirectDFT.random([1, 5, 1], seed: 8)
        XCTAssertEqual(try fft(column, axes: [0, 2]).toArray(Complex64.self), column.toArray(Complex64.self))
    }

    func testPlanReuseAndCache() throws {
        let plan = try FFTPlan(shape: [16, 12, 3], axes: [0, 1])
        let x = try DirectDFT.random([16, 12, 3], seed: 4)
        let first = try plan.forward(x)
        let cached = PlanCache.count
        for _ in 0..<3 { XCTAssertEqual(try plan.forward(x).toArray(Complex64.self), first.toArray(Complex64.self)) }
        _ = try fft(x, axes: [0, 1])
        XCTAssertEqual(PlanCache.count, cached, "the same layout must reuse the cached FFTW plan")
        XCTAssertLessThan(maxError(try plan.inverse(first), x), 2e-6)
        // Writing into a preallocated output reuses its storage.
        var out = try NDArray(zeros: [16, 12, 3], dtype: .complex64)
        let address = out.basePointer(as: Complex64.self)
        try plan.execute(x, direction: .forward, into: &out)
        XCTAssertEqual(out.basePointer(as: Complex64.self), address)
        XCTAssertEqual(out.toArray(Complex64.self), first.toArray(Complex64.self))
    }

    func testConcurrentTransformsAgreeWithSerialOnes() throws {
        let shapes = [[32, 24], [15, 9, 4], [64], [8, 8, 8], [20, 6, 3]]
        let inputs = try shapes.enumerated().map { try DirectDFT.random($0.element, seed: UInt64($0.offset)) }
        let serial = try inputs.map { try fft($0).toArray(Complex64.self) }
        PlanCache.removeAll()
        let results = UnsafeMutableBufferPointer<[Complex64]>.allocate(capacity: 20)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 20) { i in
            results[i] = (try? fft(inputs[i % inputs.count]).toArray(Complex64.self)) ?? []
        }
        for i in 0..<20 { XCTAssertEqual(results[i], serial[i % inputs.count]) }
    }

    func testBareFFTWMatchesUncentredUnscaledTransform() throws {
        let x = try DirectDFT.random([12, 10, 4], seed: 6)
        let plan = try FFTPlan(shape: x.shape, axes: [0, 1], options: FFTOptions(centered: false, orthonormal: false))
        var out = try NDArray(zeros: [1], dtype: .complex64)
        try plan.executeBareFFTW(x, direction: .forward, into: &out)
        XCTAssertEqual(out.shape, x.shape)
        XCTAssertLessThan(maxError(out, try plan.forward(x)), 1e-6)
        try plan.executeBareFFTW(x, direction: .inverse, into: &out)
        let expected = DirectDFT.transform(x, axes: [0, 1], forward: false, centered: false, orthonormal: false)
        // FFTW's inverse is unnormalised: compare with N times the 1/N-scaled reference.
        XCTAssertLessThan(DirectDFT.relativeError(out.toArray(Complex128.self), expected.map { $0 * 120 }), 2e-6)
    }

    /// Transforms slice by slice along the last axis, the obvious (slow) way, for comparison.
    private func sliceBySlice(_ x: NDArray, slices: [Int]) throws -> [NDArray] {
        try slices.map { try fft(try x.get([.all, .all, .int($0)]), options: FFTOptions(planning: .estimate)) }
    }

    func testLargeImagesRunInChunksAndMatchSliceBySlice() throws {
        // 4.2 M elements in three big images: above the chunking threshold, so one multi-threaded
        // FFTW execution per chunk with an interrupt check between them.
        let shape = [1024, 1366, 3]
        let layout = TransformLayout(shape: shape, transformAxes: [0, 1])
        XCTAssertEqual(layout.chunks, [0..<1, 1..<2, 2..<3])
        var source = RandomSource(seed: 11)
        let x = try NDArray.uniform(shape, low: -1, high: 1, dtype: .complex64, source: &source)
        let y = try fft(x, axes: [0, 1], options: FFTOptions(planning: .estimate))
        let expected = try sliceBySlice(x, slices: [0, 1, 2])
        for (k, slice) in [0, 1, 2].enumerated() {
            XCTAssertLessThan(maxError(try y.get([.all, .all, .int(slice)]), expected[k]), 1e-6, "slice \(slice)")
        }
    }

    func testStackOfImagesRunsInBlocksAndMatchesSliceBySlice() throws {
        // Many small images: the blocked path (copy and transform per cache-sized block, on all cores).
        let shape = [48, 40, 301]
        XCTAssertGreaterThan(TransformLayout(shape: shape, transformAxes: [0, 1]).blocks(target: FFTPlan.blockTarget).count, 4)
        var source = RandomSource(seed: 12)
        let x = try NDArray.uniform(shape, low: -1, high: 1, dtype: .complex64, source: &source)
        for options in [FFTOptions(planning: .estimate), FFTOptions(planning: .estimate, threads: 1)] {
            let y = try ifft(fft(x, axes: [0, 1], options: options), axes: [0, 1], options: options)
            XCTAssertLessThan(maxError(y, x), 2e-6)
            let z = try fft(x, axes: [0, 1], options: options)
            let slices = [0, 33, 34, 150, 300]
            let expected = try sliceBySlice(x, slices: slices)
            for (k, slice) in slices.enumerated() {
                XCTAssertLessThan(maxError(try z.get([.all, .all, .int(slice)]), expected[k]), 1e-6, "slice \(slice)")
            }
        }
    }

    func testLongOneDimensionalCentredTransformsMatchExplicitShifts() throws {
        // Rows longer than the staging buffer take the direct path through the copy.
        for n in [40_000, 40_001] {
            let x = try DirectDFT.random([n], seed: UInt64(n))
            let values = x.toArray(Complex64.self)
            let h = n / 2
            let unshifted = NDArray((0..<n).map { values[($0 + h) % n] })                  // ifftshift
            let plain = try fft(unshifted, options: FFTOptions(centered: false, planning: .estimate)).toArray(Complex64.self)
            let expected = NDArray((0..<n).map { plain[($0 - h + n) % n] })                // fftshift
            XCTAssertLessThan(maxError(try fft(x, options: FFTOptions(planning: .estimate)), expected), 1e-5, "n = \(n)")
        }
    }

    func testInterruptStopsTheTransform() throws {
        let x = try DirectDFT.random([8, 8], seed: 1)
        Interrupt.request()
        XCTAssertThrowsError(try fft(x)) { error in XCTAssertTrue(error is InterruptedError) }
        XCTAssertFalse(Interrupt.isRequested)
        XCTAssertNoThrow(try fft(x))
    }

    func testMeasuredPlanningWritesWisdomFile() throws {
        let x = try DirectDFT.random([48, 40], seed: 12)
        let measured = try fft(x, options: FFTOptions(planning: .measure))
        XCTAssertLessThan(maxError(measured, try fft(x, options: FFTOptions(planning: .estimate))), 1e-6)
        XCTAssertTrue(FileManager.default.fileExists(atPath: TestWisdom.path), "wisdom should be saved at \(TestWisdom.path)")
        let text = (try? String(contentsOfFile: TestWisdom.path, encoding: .utf8)) ?? ""
        XCTAssertTrue(text.contains("fftwf_wisdom"), "unexpected wisdom file contents: \(text.prefix(80))")
    }

    func testWisdomPathFollowsTheEnvironment() {
        XCTAssertEqual(FFTWisdom.filePath(environment: ["HOME": "/home/u"]), "/home/u/.cache/mrs/fftw-wisdom")
        XCTAssertEqual(FFTWisdom.filePath(environment: ["HOME": "/home/u", "XDG_CACHE_HOME": "/c"]), "/c/mrs/fftw-wisdom")
        XCTAssertEqual(FFTWisdom.filePath(environment: ["HOME": "/home/u", "MRS_FFTW_WISDOM": "/tmp/w"]), "/tmp/w")
        XCTAssertNil(FFTWisdom.filePath(environment: ["HOME": "/home/u", "MRS_FFTW_WISDOM": "off"]))
        XCTAssertNil(FFTWisdom.filePath(environment: [:]))
    }

    func testUnwritableWisdomFileIsSilent() throws {
        // The wisdom directory cannot be created under a regular file: planning must still work.
        let blocker = NSTemporaryDirectory() + "mrs-wisdom-blocker-\(getpid())"
        XCTAssertTrue(FileManager.default.createFile(atPath: blocker, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: blocker) }
        let saved = ProcessInfo.processInfo.environment["MRS_FFTW_WISDOM"]
        setenv("MRS_FFTW_WISDOM", blocker + "/sub/fftw-wisdom", 1)
        defer { if let saved = saved { setenv("MRS_FFTW_WISDOM", saved, 1) } }
        let x = try DirectDFT.random([36, 30], seed: 13)
        XCTAssertNoThrow(try fft(x, options: FFTOptions(planning: .measure)))
    }
}

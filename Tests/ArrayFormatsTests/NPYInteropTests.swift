import ArrayFormats
import NDArray
import PeerTestSupport
import XCTest

/// .npy files exchanged with NumPy in both directions, for every type and both memory orders.
final class NPYInteropTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self, "mrs-formats").path }

    static let shapes: [[Int]] = [[2, 3, 4], [], [0, 3], [5], [3, 1, 2]]

    /// Our type for a NumPy descriptor, and whether the pattern is the unsigned one.
    static func expectedType(_ descr: String) -> (DType, Bool) {
        let code = descr.dropFirst().first ?? "?"
        let size = Int(descr.dropFirst(2)) ?? 0
        switch code {
        case "b": return (.bool, false)
        case "i": return (.int64, false)
        case "u": return (.int64, true)
        case "f": return (size == 8 ? .float64 : .float32, false)
        default: return (size == 16 ? .complex128 : .complex64, false)
        }
    }

    func testReadsWhatNumpyWrites() throws {
        let descrs = ["|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8", "<c8", "<c16",
                      ">i2", ">i4", ">i8", ">u2", ">u8", ">f4", ">f8", ">c8", ">c16"]
        let script = pythonPattern + """

        import sys, json
        out, descrs, shapes = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
        n = 0
        for d in descrs:
            for s in shapes:
                for order in 'CF':
                    a = pattern(tuple(s), d[1]).astype(np.dtype(d), order=order)
                    np.save(f'{out}/{d[1]}{d[2:]}{"be" if d[0] == ">" else ""}_{"x".join(map(str, s))}_{order}.npy', a)
                    n += 1
        print(n)
        """
        let descrJSON = "[" + descrs.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let shapesJSON = "[" + Self.shapes.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        let written = try runPython(script, [dir, descrJSON, shapesJSON]).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(written, String(descrs.count * Self.shapes.count * 2))
        var checked = 0
        for d in descrs {
            let (dtype, unsigned) = Self.expectedType(d)
            for s in Self.shapes {
                for order in ["C", "F"] {
                    let name = "\(d.dropFirst().prefix(1))\(d.dropFirst(2))\(d.hasPrefix(">") ? "be" : "")_\(s.map(String.init).joined(separator: "x"))_\(order).npy"
                    let a = try NPY.read(dir + "/" + name)
                    assertIdentical(a, try patternArray(s, dtype, unsigned: unsigned), name)
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 230)
    }

    func testReadsNumpyVersion2And3Files() throws {
        let script = pythonPattern + """

        import sys
        a = pattern((3, 2), 'f')
        for v in [(1, 0), (2, 0), (3, 0)]:
            with open(f'{sys.argv[1]}/v{v[0]}.npy', 'wb') as f:
                np.lib.format.write_array(f, a, version=v)
        """
        try runPython(script, [dir])
        for v in 1...3 {
            let bytes = try readBytes(dir + "/v\(v).npy")
            XCTAssertEqual(bytes[6], UInt8(v))
            assertIdentical(try NPY.read(dir + "/v\(v).npy"), try patternArray([3, 2], .float64), "version \(v)")
        }
    }

    func testNumpyReadsWhatWeWrite() throws {
        var cases: [String] = []
        for dtype in DType.allCases {
            for s in Self.shapes {
                let name = "\(dtype.name)_\(s.map(String.init).joined(separator: "x")).npy"
                try NPY.write(try patternArray(s, dtype), to: dir + "/" + name)
                cases.append("\(name) \(dtype.name) \(s.map(String.init).joined(separator: ","))")
            }
        }
        // Also a transposed view, which must be written by value with its own shape.
        try NPY.write(try patternArray([4, 3], .float32).transposed(), to: dir + "/view.npy")
        let script = pythonPattern + """

        import sys
        kinds = {'bool': 'b', 'int64': 'i', 'float32': 'f', 'float64': 'f', 'complex64': 'c', 'complex128': 'c'}
        bad = 0
        for line in sys.argv[2].split(';'):
            name, dtype, shape = line.split(' ')
            shape = tuple(int(x) for x in shape.split(',') if x)
            a = np.load(sys.argv[1] + '/' + name)
            want = pattern(shape, kinds[dtype]).astype(dtype)
            ok = a.dtype == np.dtype(dtype) and a.shape == shape and np.array_equal(a, want)
            if not ok:
                bad += 1
                print('FAIL', name, a.dtype, a.shape, a.ravel()[:6])
        v = np.load(sys.argv[1] + '/view.npy')
        if not (v.shape == (3, 4) and v.dtype == np.float32 and np.array_equal(v, pattern((4, 3), 'f').T)):
            bad += 1
            print('FAIL view', v.shape, v)
        print('ALL OK' if bad == 0 else f'{bad} FAILED')
        """
        let output = try runPython(script, [dir, cases.joined(separator: ";")])
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "ALL OK", output)
    }
}

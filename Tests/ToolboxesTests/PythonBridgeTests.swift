import Foundation
import NDArray
import PeerTestSupport
import Toolboxes
import XCTest

/// Python snippets through `PythonBridge` (python3 with NumPy is a test peer).
final class PythonBridgeTests: XCTestCase {
    private var scratch: URL!

    private func bridge(interpreter: String? = nil) throws -> PythonBridge {
        scratch = try makeTemporaryDirectory(self, "mrs-python-tests")
        var b = try PythonBridge(interpreter: interpreter)
        b.scratchParent = scratch.path
        return b
    }

    /// One array of each element type, with the values that break careless conversions
    /// (NaN, -0, infinities, the extreme integers, a subnormal).
    private func arrays(_ shape: [Int], seed: UInt64) throws -> [NDArray] {
        var r = RandomSource(seed: seed)
        let n = shape.reduce(1, *)
        let special: [Double] = [.nan, -0.0, .infinity, -.infinity, 4.9e-324, 1e300]
        let doubles = (0..<n).map { i in i < special.count ? special[i] : r.normal() }
        return [
            try NDArray((0..<n).map { _ in r.next() & 1 == 1 }, shape: shape),
            try NDArray((0..<n).map { i in i == 0 ? Int.min : i == 1 ? Int.max : Int(bitPattern: UInt(r.next())) }, shape: shape),
            try NDArray(doubles.map { Float($0) }, shape: shape),
            try NDArray(doubles, shape: shape),
            try NDArray(doubles.map { Complex64(Float($0), Float(r.normal())) }, shape: shape),
            try NDArray(doubles.map { Complex128(r.normal(), $0) }, shape: shape),
        ]
    }

    func testEveryTypeAndShapeRoundTripsBitForBit() throws {
        let python = try bridge()
        var inputs: [(String, PythonValue)] = []
        var expected: [String: NDArray] = [:]
        for (k, shape) in [[7], [2, 1, 3, 2, 1, 2, 2], [3, 4], [1]].enumerated() {
            for (t, a) in try arrays(shape, seed: UInt64(k)).enumerated() {
                inputs.append(("a\(k)_\(t)", .array(a)))
                expected["a\(k)_\(t)"] = a
            }
        }
        // Views: a strided slice, a permutation and a reversed slice of a 3-D array.
        let base = try Fixtures.complexArray([6, 5, 4], seed: 7)
        let views = [try base.get([.slice(start: 1, stop: 6, step: 2), .all, .int(2)]),
                     try base.permuted([2, 0, 1]),
                     try base.get([.slice(start: nil, stop: nil, step: -1), .slice(start: 1, stop: 4, step: nil), .all])]
        for (k, v) in views.enumerated() {
            inputs.append(("v\(k)", .array(v)))
            expected["v\(k)"] = v
        }
        // The snippet copies each input to a new name (so the copies come back), and reports the
        // shape and dtype NumPy sees.
        let code = """
        import numpy as np
        for _name in list(globals()):
            if _name[:1] in ("a", "v") and isinstance(globals()[_name], np.ndarray):
                globals()["out_" + _name] = np.array(globals()[_name], order="K")
                globals()["shape_" + _name] = list(globals()[_name].shape)
                globals()["dtype_" + _name] = str(globals()[_name].dtype)
        """
        let values = Dictionary(uniqueKeysWithValues: try python.run(code, inputs: inputs, outputs: nil))
        for (name, a) in expected {
            guard case .array(let back)? = values["out_" + name] else { XCTFail("\(name) did not come back"); continue }
            XCTAssertEqual(back.shape, a.shape, name)
            XCTAssertEqual(back.dtype, a.dtype, name)
            XCTAssertEqual(Fixtures.bytes(back), Fixtures.bytes(a), "\(name) bit for bit")
            guard case .list(let s)? = values["shape_" + name], case .string(let d)? = values["dtype_" + name] else {
                XCTFail("\(name): no shape"); continue
            }
            XCTAssertEqual(s.map { if case .int(let i) = $0 { return i } else { return -1 } }, a.shape, "NumPy sees mrs's shape")
            XCTAssertEqual(d, a.dtype == .bool ? "bool" : a.dtype.name, name)
        }
        XCTAssertEqual(Fixtures.contents(scratch), [], "scratch folder removed")
    }

    func testPythonIndexesTheSameElementsAsMrs() throws {
        let python = try bridge()
        let a = try NDArray((0..<24).map { Double($0) }, shape: [2, 3, 4])
        // mrs's a[1, 2, 3] is the element at column-major offset 1 + 2·2 + 3·6 = 23.
        let out = try python.run("v = float(a[1, 2, 3]); w = float(a[1, 0, 0])", inputs: [("a", .array(a))], outputs: ["v", "w"])
        guard case .float(let v) = out[0].1, case .float(let w) = out[1].1 else { return XCTFail("\(out)") }
        XCTAssertEqual(v, 23)
        XCTAssertEqual(w, 1)
    }

    func testNumbersStringsListsAndDictsRoundTrip() throws {
        let python = try bridge()
        let inputs: [(String, PythonValue)] = [
            ("i", .int(Int.min)), ("f", .float(-0.1)), ("n", .float(.nan)), ("c", .complex(1.5, -.infinity)),
            ("s", .string("é ∑ \"quoted\" \n 🎉")), ("b", .bool(true)), ("z", .none),
            ("l", .list([.int(1), .string("two"), .list([.float(3)])])),
            ("d", .dict([("x", .int(1)), ("y", .array(try Fixtures.complexArray([2], seed: 3)))])),
        ]
        let code = "i2, f2, n2, c2, s2, b2, z2, l2, d2 = i, f, n, c, s, b, z, l, d\nt = (1, 2.5)"
        let out = Dictionary(uniqueKeysWithValues: try python.run(code, inputs: inputs, outputs: nil))
        guard case .int(let i)? = out["i2"], case .float(let f)? = out["f2"], case .float(let n)? = out["n2"],
              case .complex(let re, let im)? = out["c2"], case .string(let s)? = out["s2"], case .bool(let b)? = out["b2"],
              case .none? = out["z2"], case .list(let l)? = out["l2"], case .dict(let d)? = out["d2"], case .list(let t)? = out["t"] else {
            return XCTFail("\(out)")
        }
        XCTAssertEqual(i, Int.min)
        XCTAssertEqual(f.bitPattern, (-0.1).bitPattern)
        XCTAssertTrue(n.isNaN)
        XCTAssertEqual(re, 1.5)
        XCTAssertEqual(im, -.infinity)
        XCTAssertEqual(s, "é ∑ \"quoted\" \n 🎉")
        XCTAssertTrue(b)
        XCTAssertEqual(l.count, 3)
        XCTAssertEqual(d.map(\.0), ["x", "y"])
        XCTAssertEqual(t.count, 2, "tuples come back as lists")
        XCTAssertNil(out["i"], "unchanged inputs are not returned")
    }

    func testOutputsChooseAndUnsupportedValuesAreRefusedClearly() throws {
        let python = try bridge()
        let chosen = try python.run("import numpy as np\ny = np.arange(3, dtype=np.uint8)\nh = np.float16(2)\nw = 5", inputs: [], outputs: ["y", "h"])
        XCTAssertEqual(chosen.map(\.0), ["y", "h"])
        if case .array(let y) = chosen[0].1 { XCTAssertEqual(y.dtype, .int64, "uint8 widens to int64") } else { XCTFail("\(chosen)") }
        XCTAssertThrowsError(try python.run("y = 1", inputs: [], outputs: ["nope"])) { e in
            XCTAssertTrue(String(describing: e).contains("defined no variable 'nope'"), "\(e)")
        }
        XCTAssertThrowsError(try python.run("import numpy as np\ny = np.array(['a', 'b'])", inputs: [], outputs: ["y"])) { e in
            XCTAssertTrue(String(describing: e).contains("dtype <U1"), "\(e)")
        }
        XCTAssertThrowsError(try python.run("y = object()", inputs: [], outputs: ["y"])) { e in
            XCTAssertTrue(String(describing: e).contains("y is a object"), "\(e)")
        }
        // Without out=, values mrs cannot hold are left out rather than failing the call.
        let all = try python.run("import numpy as np\nq = np.array(['a'])\nr = 2", inputs: [], outputs: nil)
        XCTAssertEqual(all.map(\.0), ["r"])
        XCTAssertThrowsError(try python.run("", inputs: [("not a name", .int(1))], outputs: nil)) { e in
            XCTAssertTrue(String(describing: e).contains("cannot be a Python variable name"), "\(e)")
        }
        XCTAssertThrowsError(try python.run("", inputs: [("lambda", .int(1))], outputs: nil)) { e in
            XCTAssertTrue(String(describing: e).contains("cannot be a Python variable name"), "\(e)")
        }
        XCTAssertEqual(Fixtures.contents(scratch), [])
    }

    func testErrorsShowTheTracebackAndNameWhatToInstall() throws {
        let python = try bridge()
        XCTAssertThrowsError(try python.run("    def f(x):\n        return 1 / x\n    y = f(0)", inputs: [], outputs: nil)) { e in
            let text = String(describing: e)
            XCTAssertTrue(text.hasPrefix("python: the snippet raised ZeroDivisionError: division by zero"), text)
            XCTAssertTrue(text.contains("File \"<python snippet>\", line 2, in f"), "traceback of the dedented snippet: \(text)")
            XCTAssertFalse(text.contains("driver.py"), "the bridge's own frames are left out: \(text)")
        }
        XCTAssertThrowsError(try python.run("import surely_not_installed_module", inputs: [], outputs: nil)) { e in
            XCTAssertTrue(String(describing: e).contains("pip install surely_not_installed_module"), "\(e)")
        }
        XCTAssertThrowsError(try python.run("import skimage.nothing_here_either", inputs: [], outputs: nil)) { e in
            XCTAssertTrue(String(describing: e).contains("the Python module"), "\(e)")
        }
        XCTAssertThrowsError(try python.run("x = (", inputs: [], outputs: nil)) { e in
            XCTAssertTrue(String(describing: e).contains("SyntaxError"), "\(e)")
        }
        XCTAssertEqual(Fixtures.contents(scratch), [], "no files left after errors")
    }

    func testMissingNumPyAndMissingInterpreterSayHowToInstall() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-fake-python")
        // An interpreter whose NumPy cannot be imported: a package of that name that fails.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("hide/numpy"), withIntermediateDirectories: true)
        try "raise ImportError(\"No module named 'numpy'\")\n".write(to: dir.appendingPathComponent("hide/numpy/__init__.py"), atomically: true, encoding: .utf8)
        let python3 = try XCTUnwrap(ExecutableSearch.find("python3"))
        let wrapper = dir.appendingPathComponent("python-without-numpy")
        try "#!/bin/sh\nPYTHONPATH='\(dir.path)/hide' exec '\(python3)' \"$@\"\n".write(to: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper.path, 0o755)
        let python = try bridge(interpreter: wrapper.path)
        XCTAssertThrowsError(try python.run("y = 1", inputs: [], outputs: nil)) { e in
            XCTAssertTrue(String(describing: e).contains("NumPy is not installed"), "\(e)")
            XCTAssertTrue(String(describing: e).contains("pip install numpy"), "\(e)")
        }
        XCTAssertThrowsError(try PythonBridge(environment: ["PATH": "/nonexistent"])) { e in
            XCTAssertTrue(String(describing: e).contains("apt-get install python3"), "\(e)")
        }
        XCTAssertThrowsError(try PythonBridge(environment: ["PATH": "/nonexistent", "MRS_PYTHON": "/no/python"])) { e in
            XCTAssertTrue(String(describing: e).contains("MRS_PYTHON"), "\(e)")
        }
    }

    func testPrintedLinesAreForwardedAsTheyAppear() throws {
        let python = try bridge()
        var printed = ""
        _ = try python.run("print('one')\nprint('two', 2)", inputs: [], outputs: [], forward: { printed += $0 })
        XCTAssertEqual(printed, "one\ntwo 2\n")
    }

    func testCtrlCStopsThePythonProcessAndRemovesItsFiles() throws {
        let python = try bridge()
        let pidFile = try makeTemporaryDirectory(self, "mrs-python-pid").appendingPathComponent("pid").path
        let code = "import os, time\nopen(p, 'w').write(str(os.getpid()))\ntime.sleep(60)"
        // Ctrl-C's handler only sets the interrupt flag; do the same once the child is running.
        let watcher = Thread {
            for _ in 0..<3000 where !FileManager.default.fileExists(atPath: pidFile) { usleep(10_000) }
            usleep(50_000)
            Interrupt.request()
        }
        watcher.start()
        XCTAssertThrowsError(try python.run(code, inputs: [("p", .string(pidFile))], outputs: nil)) { e in
            XCTAssertTrue(e is InterruptedError, "\(e)")
        }
        Interrupt.clear()
        let pid = pid_t(try String(contentsOfFile: pidFile, encoding: .utf8)) ?? 0
        XCTAssertGreaterThan(pid, 0)
        XCTAssertEqual(kill(pid, 0), -1, "the child is stopped and reaped")
        XCTAssertEqual(errno, ESRCH)
        XCTAssertEqual(Fixtures.contents(scratch), [])
    }
}

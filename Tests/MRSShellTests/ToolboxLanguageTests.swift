import Foundation
import MRSShell
import PeerTestSupport
import XCTest

/// `bart(…)`, `python(…)` and `has_toolbox(…)` from the language, and Ctrl-C on a running mrs.
final class ToolboxLanguageTests: XCTestCase {
    func testBartAgreesWithMrsAndReturnsArraysListsOrText() throws {
        let out = try SessionRunner.workshop("""
        seed(3)
        k = randn([12, 9, 4]) + 1i * randn([12, 9, 4])
        print(max(abs(bart("fft -u -i 3", k) - ifft(k, axes=[0, 1]))) < 1e-5)
        print(max(abs(bart("fft -u 7", k) - fft(k))) < 1e-5)
        both = bart("ecalib -m1", bart("phantom -x 24 -k -s 3"), outputs=2)
        print(len(both), shape(both[0]), shape(both[1]))
        print(bart("bitmask 0 1 2"))
        """)
        // ecalib's own progress line ("Done.") is printed too.
        XCTAssertEqual(out.filter { $0 != "Done." }, ["true", "true", "2 [24, 24, 1, 3] [24, 24]", "7"])
    }

    func testPythonTakesKeywordValuesAndReturnsARecord() throws {
        let out = try SessionRunner.workshop("""
        a = reshape(arange(6), [2, 3])
        r = python('import numpy as np
            y = a.T * w
            name = "numpy " + np.__version__.split(".")[0]
            print("shape in python", a.shape)', a=a, w=2.5)
        print(shape(r.y), r.y[2, 1], startswith(r.name, "numpy"))
        print(python("z = [n, s, f]", n=none, s="text", f=false, out="z"))
        print(python("q = d['k'] * 2", d={k: 21}, out=["q"]))
        """)
        XCTAssertEqual(out, ["shape in python (2, 3)", "[3, 2] 12.5 true", "[none, \"text\", false]", "{q: 42}"])
    }

    func testToolErrorsAreMrsErrorsWithAPlace() throws {
        let bart = SessionRunner.error(of: "x = 1\nk = bart(\"fft -q 3\", ones([4, 4]))")
        XCTAssertTrue(bart.hasPrefix("test:2:5: error: bart: `bart fft -q 3 <in0> <out0>` failed"), bart)
        let python = SessionRunner.error(of: "y = python(\"import no_such_module_here\")")
        XCTAssertTrue(python.hasPrefix("test:1:5: error: python: the snippet needs the Python module 'no_such_module_here'"), python)
        XCTAssertTrue(python.contains("pip install no_such_module_here"), python)
        let raised = SessionRunner.error(of: "python(\"raise KeyError('k')\")")
        XCTAssertTrue(raised.contains("KeyError") && raised.contains("<python snippet>"), raised)
        XCTAssertTrue(SessionRunner.error(of: "python(\"y = 1\", f=print)").contains("'f' is a function, which cannot be passed to Python"))
        XCTAssertTrue(SessionRunner.error(of: "bart(\"fft 3\", \"k\")").contains("input #1 is a string; BART takes arrays"))
        XCTAssertTrue(SessionRunner.error(of: "python(\"y = 1\", 1, 2)").contains("takes at most 2 positional arguments"))
        XCTAssertTrue(SessionRunner.error(of: "python(\"y = 1\", a=1, a=2)").contains("keyword argument 'a' given twice"))
        XCTAssertTrue(SessionRunner.error(of: "python(\"y = 1\", out=3)").contains("bad argument"))
    }

    func testHasToolbox() throws {
        let out = try SessionRunner.workshop("print(has_toolbox(\"bart\"), has_toolbox(\"python\"), has_toolbox(\"numpy\"), has_toolbox(\"no_such_module_here\"), has_toolbox(\"bad name!\"))")
        XCTAssertEqual(out, ["true true true false false"])
    }

    /// Ctrl-C (SIGINT to mrs) while a snippet runs: mrs stops the child, removes its folder and
    /// exits with 130, as for any interrupted computation.
    func testCtrlCStopsTheChildAndExits130() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-toolbox-interrupt")
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let pidFile = dir.appendingPathComponent("pid").path
        let process = Process()
        process.executableURL = TestSupport.mrs
        process.arguments = ["-e", "python('import os, time\\nopen(p, \"w\").write(str(os.getpid()))\\ntime.sleep(60)', p=\"\(pidFile)\")"]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<3000 where !FileManager.default.fileExists(atPath: pidFile) { usleep(10_000) }
        usleep(100_000)
        let child = pid_t((try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? "") ?? 0
        XCTAssertGreaterThan(child, 0, "the snippet started")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertEqual(kill(child, 0), -1, "the Python process is gone")
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? ["?"], [], "no temporary files left")
    }

    /// Lesson 7 runs in batch also where BART, SigPy and PyGrappa are missing, skipping those
    /// cells with a note (LessonTests runs it with everything installed).
    func testToolboxLessonSkipsMissingToolboxesWithANote() throws {
        let w = try LessonTests.prepareWorkdir()
        let dir = try makeTemporaryDirectory(self, "mrs-toolbox-hidden")
        // The real interpreter (not a version manager's shim, which needs PATH), with an import
        // hook that makes the toolboxes look uninstalled.
        let python = try runPython("import sys; print(sys.executable)").trimmingCharacters(in: .whitespacesAndNewlines)
        try """
        import sys
        class _Hide:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("sigpy", "pygrappa", "ismrmrdtools"):
                    raise ModuleNotFoundError("No module named %r" % name, name=name)
        sys.meta_path.insert(0, _Hide())
        """.write(to: dir.appendingPathComponent("sitecustomize.py"), atomically: true, encoding: .utf8)
        let wrapper = dir.appendingPathComponent("python-without-toolboxes")
        try "#!/bin/sh\nPYTHONPATH='\(dir.path)' exec '\(python)' \"$@\"\n".write(to: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper.path, 0o755)
        let lesson = packageRoot.appendingPathComponent("lessons/07_toolboxes.mrs")
        // PATH without bart.
        let r = try TestSupport.mrs(["run", lesson.path], cwd: w, env: ["PATH": dir.path, "MRS_PYTHON": wrapper.path, "TOOLBOX_PATH": ""])
        XCTAssertEqual(r.status, 0, r.stderr)
        for note in ["skipped: BART is not installed (sudo apt-get install bart)",
                     "skipped: SigPy is not installed (python3 -m pip install sigpy)",
                     "skipped: PyGrappa is not installed (python3 -m pip install pygrappa)",
                     "running the NumPy code of its transform_kspace_to_image instead"] {
            XCTAssertTrue(r.stdout.contains(note), "missing note '\(note)' in:\n\(r.stdout)")
        }
    }
}

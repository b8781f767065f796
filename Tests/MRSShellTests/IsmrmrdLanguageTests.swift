import Foundation
import MRSLanguage
import MRSShell
import PeerTestSupport
import XCTest

/// ISMRMRD through the language, on files from the reference generator: reading, headers,
/// flags, selection, buffering, writing (read back by ismrmrd-python) and bad input.
final class IsmrmrdLanguageTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory(self, "mrs-shell")
    }

    func generate(_ name: String, _ options: [String]) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try generateSheppLogan(path, options)
        return path
    }

    /// Runs code with `path` bound; returns printed output, failing on errors.
    func run(_ code: String, path: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let s = Session()
        var out = ""
        s.interp.output = { out += $0 }
        s.interp.setGlobal("path", .string(path))
        s.interp.setGlobal("dir", .string(dir.path))
        if case .failure(let e) = s.run(code, name: "test") {
            XCTFail("unexpected error: \(s.render(e))", file: file, line: line)
        }
        return out
    }

    /// Runs code expected to fail; returns the rendered error.
    func fails(_ code: String, path: String = "") -> String {
        let s = Session()
        s.interp.setGlobal("path", .string(path))
        s.interp.setGlobal("dir", .string(dir.path))
        switch s.run(code, name: "test") {
        case .success: XCTFail("expected an error from: \(code)"); return ""
        case .failure(let e): return s.render(e)
        }
    }

    func testReadingCountsHeadersAndArrays() throws {
        let path = try generate("a.h5", ["-m", "64", "-c", "4", "-r", "2", "-k"])
        let out = run("""
        f = ismrmrd(path)
        print(len(f))
        n = 0
        for a in f n += 1 end
        print(n)
        a = f[-1]
        print(shape(a.data), dtype(a.data), shape(a.traj), dtype(a.traj))
        print(a.idx.kspace_encode_step_1, a.head.idx.repetition, a.head.number_of_samples)
        print(f.header.encoding[0].encodedSpace.matrixSize.x, type(f.header.encoding), len(f.xml) > 100)
        print(shape(f["phantom"]), shape(f["csm"]), shape(f["coil_images"]))
        print(f.contents.arrays)
        print(shape(f.columns.idx.kspace_encode_step_1), f.columns.idx.kspace_encode_step_1[-1])
        """, path: path)
        let lines = out.split(separator: "\n").map(String.init) + Array(repeating: "", count: 10)
        XCTAssertEqual(lines[0], "128")
        XCTAssertEqual(lines[1], "128", "iteration streams every acquisition")
        XCTAssertEqual(lines[2], "[128, 4] complex64 [2, 128] float32")
        XCTAssertEqual(lines[3], "63 1 128")
        XCTAssertEqual(lines[4], "128 list true")
        XCTAssertEqual(lines[5], "[64, 64] [64, 64, 4] [128, 64, 4]")
        XCTAssertEqual(lines[6], "[\"coil_images\", \"csm\", \"phantom\"]")
        XCTAssertEqual(lines[7], "[128] 63")
    }

    func testAbsentHeaderElementNamesItsPath() throws {
        let path = try generate("b.h5", ["-m", "32", "-c", "2"])
        let err = fails("f = ismrmrd(path); f.header.encoding[0].encodingLimits.slice", path: path)
        XCTAssertTrue(err.contains("header.encoding[0].encodingLimits has no field 'slice'"), err)
    }

    func testFlagsAndLecturePrintout() throws {
        let path = try generate("c.h5", ["-m", "32", "-c", "2", "-a", "2", "-w", "8", "-C"])
        let out = run("""
        print(ACQ_IS_REVERSE, flag_bits(ACQ_IS_REVERSE), flag_names(2097152))
        f = ismrmrd(path)
        print(has_flag(f[0], ACQ_IS_NOISE_MEASUREMENT), has_flag(f[0], "ACQ_IS_REVERSE"))
        print(sum(has_flag(f.columns.flags, ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING)))
        print(f[0].flags)
        """, path: path)
        let lines = out.split(separator: "\n").map(String.init) + Array(repeating: "", count: 10)
        XCTAssertEqual(lines[0], "22 2097152 [\"ACQ_IS_REVERSE\"]")
        XCTAssertEqual(lines[1], "true false")
        XCTAssertEqual(lines[2], "8", "the generator flags its whole calibration block as calibration-and-imaging")
        XCTAssertTrue(lines[3].contains("ACQ_IS_NOISE_MEASUREMENT"))
        // The REPL view of a header: one field per line, the lecture's way.
        let s = Session()
        s.interp.setGlobal("path", .string(path))
        guard case .success(let o) = s.run("ismrmrd(path)[5].head", name: "t"), let v = o.value else { return XCTFail("no value") }
        let shown = Display.show(v)
        XCTAssertTrue(shown.hasPrefix("version: 1\nflags: "), shown)
        XCTAssertTrue(shown.contains("\nnumber_of_samples: 64\n"), shown)
        XCTAssertTrue(shown.contains("\nidx: kspace_encode_step_1: "), shown)
        XCTAssertTrue(shown.contains("user_float: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0"), shown)
    }

    func testSelectionByCountersFlagsAndPredicate() throws {
        let path = try generate("d.h5", ["-m", "32", "-c", "2", "-r", "3", "-C"])
        let out = run("""
        f = ismrmrd(path)
        s = select(f, repetition=1)
        print(len(s), s[0].idx.repetition)
        p = select(f, a -> a.idx.repetition == 1 and a.idx.kspace_encode_step_1 < 4)
        print(len(p))
        k = 0
        for a in p k += a.idx.kspace_encode_step_1 end
        print(k)
        nz = select(f, flag=ACQ_IS_NOISE_MEASUREMENT)
        print(len(nz), shape(noise(f))[1])
        print(len(select(f, noflag=ACQ_IS_NOISE_MEASUREMENT, repetition=[0, 2])))
        """, path: path)
        let lines = out.split(separator: "\n").map(String.init) + Array(repeating: "", count: 10)
        XCTAssertEqual(lines[0], "32 1")
        XCTAssertEqual(lines[1], "4")
        XCTAssertEqual(lines[2], "6")
        XCTAssertEqual(lines[4], "64")
        XCTAssertTrue(lines[3].hasSuffix(" 2"), lines[3])
    }

    func testBufferInTheLanguage() throws {
        let path = try generate("e.h5", ["-m", "64", "-c", "4", "-n", "0"])
        let out = run("""
        f = ismrmrd(path)
        bufs = buffer(f, remove_oversampling=true)
        b = bufs[0]
        print(len(bufs), shape(b.data), b.ref)
        img = squeeze(ifft(b.data, axes=[RO, E1]))
        ci = crop(f["coil_images"], [64, -1, -1])
        print(norm(img - ci) / norm(ci) < 1e-5)
        print(b.headers.shape, b.headers.idx.kspace_encode_step_1[10, 0, 0, 0, 0], b.sampling.recon_matrix)
        print(b.headers[3, 0, 0, 0, 0].idx.kspace_encode_step_1)
        """, path: path)
        let lines = out.split(separator: "\n").map(String.init) + Array(repeating: "", count: 10)
        XCTAssertEqual(lines[0], "1 [64, 64, 1, 4, 1, 1, 1] none")
        XCTAssertEqual(lines[1], "true")
        XCTAssertEqual(lines[2], "[64, 1, 1, 1, 1] 10 [64, 64, 1]")
        XCTAssertEqual(lines[3], "3")
    }

    func testAOneBasedCounterGuessSaysCountersStartAtZero() throws {
        let path = try generate("r.h5", ["-m", "32", "-c", "2", "-r", "2"])
        let e = fails("f = ismrmrd(path)\ns = select(f, repetition=2)", path: path)
        XCTAssertTrue(e.contains("test:2:5: error: select: no readout has repetition 2: this file's repetition counters run 0…1 (counters start at 0, like indices)"), e)
        XCTAssertEqual(run("print(len(select(ismrmrd(path), repetition=[1, 2])) > 0)", path: path), "true\n")
    }

    func testABufferWithoutRefSavesAndLoadsBack() throws {
        let path = try generate("s.h5", ["-m", "32", "-c", "2", "-n", "0"])
        let out = run("""
        b = buffer(ismrmrd(path))[0]
        save(b, dir + "/b.npz")
        x = load(dir + "/b.npz")
        print(all(x.data == b.data), "ref" in keys(x), x["sampling.recon_matrix"], x["headers.idx.kspace_encode_step_1"][5, 0, 0, 0, 0])
        """, path: path)
        XCTAssertEqual(out, "true false [32, 32, 1] 5\n")
    }

    func testWritingReadsBackInIsmrmrdPython() throws {
        let path = try generate("f.h5", ["-m", "32", "-c", "2"])
        let copy = dir.appendingPathComponent("copy.h5").path
        _ = run("""
        f = ismrmrd(path)
        w = ismrmrd_create(dir + "/copy.h5", f.header)
        ismrmrd_write(w, select(f, kspace_encode_step_1=range(10)))
        h = f[0].head
        h.idx.kspace_encode_step_1 = 7
        h.user_int[2] = -5
        ismrmrd_write(w, acquisition(f[0].data * 2, head=h))
        ismrmrd_write_array(w, "weights", arange(6) * 0.5)
        ismrmrd_close(w)
        """, path: path)
        let script = """
        import ismrmrd, numpy as np, sys
        d = ismrmrd.Dataset(sys.argv[1], 'dataset', False)
        n = d.number_of_acquisitions()
        a = d.read_acquisition(n - 1)
        src = ismrmrd.Dataset(sys.argv[2], 'dataset', False)
        b = src.read_acquisition(0)
        same = np.allclose(a.data, 2 * b.data)
        w = d.read_array('weights', 0)
        print(n, a.idx.kspace_encode_step_1, a.user_int[2], same, [float(x) for x in np.asarray(w).ravel()])
        """
        let printed = try runPython(script, [copy, path])
        XCTAssertEqual(printed.trimmingCharacters(in: .whitespacesAndNewlines), "11 7 -5 True [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]")
    }

    /// Image series written from the language read back in ismrmrd-python with their headers,
    /// and in mrs; a series read from a file can be written again as it is.
    func testImageSeriesReadBackInIsmrmrdPython() throws {
        let path = try generate("f.h5", ["-m", "32", "-c", "2"])
        let out = dir.appendingPathComponent("images.h5").path
        let printed = run("""
        f = ismrmrd(path)
        w = ismrmrd_create(dir + "/images.h5", f.header)
        img = complex(reshape(arange(12), [4, 3]), 1)
        ismrmrd_write_images(w, "image_0", img, head={field_of_view: [240.0, 180.0, 5.0], slice: 2})
        ismrmrd_write_images(w, "mags", [abs(img), 2 * abs(img)])
        ismrmrd_close(w)
        g = ismrmrd(dir + "/images.h5")
        m = g["mags"]
        print(len(m), m[1].head.image_index, m[1].head.image_type, shape(m[1].data))
        w2 = ismrmrd_create(dir + "/again.h5", f.header)
        ismrmrd_write_images(w2, "copy", m)
        ismrmrd_close(w2)
        c = ismrmrd(dir + "/again.h5")["copy"]
        print(c[1].head.image_index, max(abs(c[1].data - m[1].data)))
        """, path: path)
        XCTAssertEqual(printed, "2 1 1 [4, 3, 1, 1]\n1 0.0\n")
        let script = """
        import ismrmrd, numpy as np, sys
        d = ismrmrd.Dataset(sys.argv[1], 'dataset', False)
        im = d.read_image('image_0', 0)
        m = d.read_image('mags', 1)
        print(im.data.shape, im.data.dtype, im.slice, [float(x) for x in im.field_of_view], im.image_type,
              im.data[0, 0, 2, 1], m.image_index, m.data.dtype, round(float(m.data[0, 0, 2, 3]), 4))
        """
        let printedByPython = try runPython(script, [out])
        XCTAssertEqual(printedByPython.trimmingCharacters(in: .whitespacesAndNewlines),
                       "(1, 1, 3, 4) complex64 2 [240.0, 180.0, 5.0] 5 (9+1j) 1 float32 22.0907")
        XCTAssertTrue(fails("w = ismrmrd_create(dir + \"/x.h5\", \"<ismrmrdHeader/>\"); ismrmrd_write_images(w, \"s\", zeros([2, 2]), head={nosuch: 1})").contains("nosuch"))
        XCTAssertTrue(fails("w = ismrmrd_create(dir + \"/y.h5\", \"<ismrmrdHeader/>\"); ismrmrd_write_images(w, \"s\", zeros([2]))").contains("[x, y]"))
    }

    func testBadFilesGiveClearErrorsAndTheSessionGoesOn() throws {
        let textFile = dir.appendingPathComponent("notes.txt")
        try "not hdf5".write(to: textFile, atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            ("ismrmrd(\"\(dir.path)/missing.h5\")", "missing.h5"),
            ("ismrmrd(\"\(dir.path)\")", "directory"),
            ("ismrmrd(\"\(textFile.path)\")", "not an HDF5 file"),
        ]
        for (code, fragment) in cases {
            let err = fails(code)
            XCTAssertTrue(err.contains(fragment), "\(code): \(err)")
            XCTAssertTrue(err.contains("test:1:"), "location in \(err)")
        }
        let path = try generate("g.h5", ["-m", "32", "-c", "2"])
        XCTAssertTrue(fails("ismrmrd(path, group=\"nothere\")", path: path).contains("nothere"))
        // A file without acquisitions says so, not "a dataset has no length".
        let arraysOnly = dir.appendingPathComponent("arrays.h5").path
        _ = run("w = ismrmrd_create(path, {experimentalConditions: {H1resonanceFrequency_Hz: 1}})\nismrmrd_write_array(w, \"x\", ones([3]))\nismrmrd_close(w)", path: arraysOnly)
        XCTAssertTrue(fails("len(ismrmrd(path))", path: arraysOnly).contains("has no 'data' dataset, so no acquisitions"))
        XCTAssertTrue(fails("f = ismrmrd(path); f[1000]", path: path).contains("out of range"))
        // A session keeps its variables after an error.
        let s = Session()
        s.interp.setGlobal("path", .string(path))
        _ = s.run("f = ismrmrd(path); x = 41", name: "t")
        if case .success = s.run("f[99999]", name: "t") { XCTFail("expected an error") }
        guard case .success(let o) = s.run("x + 1", name: "t") else { return XCTFail("session broken") }
        XCTAssertEqual(o.value.map(Display.repr), "42")
    }
}

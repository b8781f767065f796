import Foundation
import ISMRMRD
import NDArray
import PeerTestSupport
import XCTest

/// Every kind of bad input gives one clear error naming the file and the problem.
final class BadInputTests: XCTestCase {
    private func expectMessage(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            let text = "\(error)"
            for f in fragments {
                XCTAssertTrue(text.contains(f), "'\(text)' lacks '\(f)'", file: file, line: line)
            }
        }
    }

    func testMissingPathDirectoryAndNonHDF5File() throws {
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let missing = dir.appendingPathComponent("absent.h5").path
        expectMessage([missing, "no such file"]) { _ = try ISMRMRDFile(path: missing) }
        expectMessage([dir.path, "is a directory"]) { _ = try ISMRMRDFile(path: dir.path) }
        let text = dir.appendingPathComponent("readme.h5").path
        try "this is not HDF5".write(toFile: text, atomically: true, encoding: .utf8)
        expectMessage([text, "is not an HDF5 file"]) { _ = try ISMRMRDFile(path: text) }
    }

    func testTruncatedFile() throws {
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("full.h5").path
        try generateSheppLogan(path, ["-m", "32", "-c", "2"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = dir.appendingPathComponent("cut.h5").path
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        expectMessage([cut, "cannot open the HDF5 file", "truncated file"]) { _ = try ISMRMRDFile(path: cut) }
    }

    func testAFileTruncatedOrRewrittenUnderAnOpenDatasetIsReportedNotReadAsZeros() throws {
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("open.h5").path
        try generateSheppLogan(path, ["-m", "32", "-c", "2"])
        let file = try ISMRMRDFile(path: path)
        XCTAssertEqual(try file.acquisition(at: 3).data.shape, [64, 2])
        // Another program cuts the file in place (same inode): HDF5 alone would read zeros.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 4096)
        try handle.close()
        expectMessage([path, "truncated by another program after it was opened", "open it again"]) { _ = try file.acquisition(at: 20) }
        expectMessage([path, "truncated"]) { _ = try file.headers() }
        expectMessage([path, "truncated"]) { _ = try file.array("phantom") }

        // A file replaced by rename (as mrs's writers replace files) leaves the open one intact.
        let kept = dir.appendingPathComponent("kept.h5").path
        try generateSheppLogan(kept, ["-m", "32", "-c", "2"])
        let reopened = try ISMRMRDFile(path: kept)
        let before = try reopened.acquisition(at: 5).data
        let replacement = dir.appendingPathComponent("new.h5").path
        try generateSheppLogan(replacement, ["-m", "16", "-c", "4"])
        XCTAssertEqual(rename(replacement, kept), 0)
        XCTAssertEqual(try reopened.acquisition(at: 5).data.toArray(Complex64.self), before.toArray(Complex64.self), "the open file still reads its own content")
        XCTAssertEqual(try ISMRMRDFile(path: kept).acquisition(at: 5).data.shape, [32, 4], "a new open sees the new file")
    }

    func testFilesWithoutGroupXMLOrData() throws {
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("odd.h5").path
        try runPython("""
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], 'w') as f:
            f.create_dataset('other', data=np.arange(3))
            g = f.create_group('empty')
            g.create_dataset('something', data=np.zeros(2))
            n = f.create_group('nodata')
            n.create_dataset('xml', data=[b'<ismrmrdHeader/>'], dtype=h5py.string_dtype('ascii'))
            x = f.create_group('noxml')
            x.create_dataset('data', data=np.zeros(4))
            f.create_group('xmlgroup').create_group('xml')
        """, [path])
        expectMessage([path, "no ISMRMRD group 'dataset'", "it contains: empty, nodata, noxml, other, xmlgroup"]) { _ = try ISMRMRDFile(path: path) }
        expectMessage([path, "'xmlgroup/xml' is a group, not the XML header dataset"]) { _ = try ISMRMRDFile(path: path, group: "xmlgroup").xml() }
        expectMessage([path, "'other' is a dataset, not an ISMRMRD group"]) { _ = try ISMRMRDFile(path: path, group: "other") }
        let empty = try ISMRMRDFile(path: path, group: "empty")
        expectMessage([path, "group 'empty' has no 'xml' header dataset", "it contains: something"]) { _ = try empty.xml() }
        expectMessage([path, "group 'empty' has no 'data' dataset, so no acquisitions"]) { _ = try empty.count }
        let nodata = try ISMRMRDFile(path: path, group: "nodata")
        XCTAssertEqual(try nodata.xml(), "<ismrmrdHeader/>")
        expectMessage([path, "has no 'data' dataset"]) { _ = try nodata.acquisition(at: 0) }
        let noxml = try ISMRMRDFile(path: path, group: "noxml")
        expectMessage([path, "has no 'xml' header dataset"]) { _ = try noxml.header() }
        expectMessage([path, "'noxml/data' is not an ISMRMRD acquisition dataset", "float64"]) { _ = try noxml.count }
        expectMessage([path, "no array 'csm' in group 'empty'"]) { _ = try empty.array("csm") }
        expectMessage([path, "no image series 'cpp'"]) { _ = try empty.images("cpp") }
    }

    /// A file of ours with one acquisition's header edited by h5py so the lengths no longer agree.
    private func corrupted(_ edit: String) throws -> String {
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("bad.h5").path
        do {
            let writer = try ISMRMRDWriter(path: path)
            try writer.writeXML("<ismrmrdHeader/>")
            var acquisitions: [Acquisition] = []
            for _ in 0..<5 {
                acquisitions.append(try Acquisition(data: try NDArray(zeros: [8, 2], dtype: .complex64)))
            }
            try writer.append(acquisitions)
            try writer.close()
        }
        try runPython("""
        import sys, h5py
        with h5py.File(sys.argv[1], 'r+') as f:
            d = f['dataset/data']
            row = d[3]
            \(edit)
            d[3] = row
        """, [path])
        return path
    }

    func testWrongDataAndTrajectoryLengths() throws {
        let samples = try corrupted("row['head']['number_of_samples'] = 9")
        let file = try ISMRMRDFile(path: samples)
        XCTAssertEqual(try file.count, 5)
        XCTAssertEqual(try file.acquisition(at: 2).data.shape, [8, 2])
        expectMessage([samples, "acquisition 3: data holds 32 floats, but 2 × number_of_samples 9 × active_channels 2 = 36"]) {
            _ = try file.acquisition(at: 3)
        }
        expectMessage([samples, "acquisition 3: data holds 32 floats"]) { _ = try file.acquisitions() }
        expectMessage([samples, "acquisition 3"]) {
            let stream = try file.stream()
            while try stream.next() != nil {}
        }
        // The headers alone are still readable (they do not involve the samples).
        XCTAssertEqual(try file.headers().column("number_of_samples").toArray(Int.self), [8, 8, 8, 9, 8])

        let traj = try corrupted("row['head']['trajectory_dimensions'] = 2")
        expectMessage([traj, "acquisition 3: traj holds 0 floats, but trajectory_dimensions 2 × number_of_samples 8 = 16"]) {
            _ = try ISMRMRDFile(path: traj).acquisitions(in: 1..<5)
        }
    }

    func testMalformedXMLHeader() throws {
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("xml.h5").path
        try runPython("""
        import sys, h5py
        with h5py.File(sys.argv[1], 'w') as f:
            f.create_dataset('dataset/xml', data=[b'<ismrmrdHeader>\\n  <encoding>\\n    <trajectory>cartesian</encoding>\\n</ismrmrdHeader>'],
                             dtype=h5py.string_dtype('ascii'))
        """, [path])
        let file = try ISMRMRDFile(path: path)
        expectMessage([path, "the XML header is malformed", "XML line 3", "</encoding> does not match <trajectory> opened on line 3"]) {
            _ = try file.header()
        }
        // The writer refuses malformed XML too.
        let out = dir.appendingPathComponent("out.h5").path
        expectMessage([out, "refusing to write a malformed XML header", "line 1"]) {
            try ISMRMRDWriter(path: out).writeXML("<ismrmrdHeader><a></ismrmrdHeader>")
        }
    }

    func testIndicesOutOfRangeAndWriterValidation() throws {
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("small.h5").path
        try generateSheppLogan(path, ["-m", "16", "-c", "2"])
        let file = try ISMRMRDFile(path: path)
        let n = try file.count
        XCTAssertEqual(try file.acquisition(at: -n).head, try file.acquisition(at: 0).head)
        expectMessage([path, "acquisition index \(n) is out of range (the file has \(n) acquisitions)"]) { _ = try file.acquisition(at: n) }
        expectMessage([path, "acquisition index -\(n + 1) is out of range"]) { _ = try file.acquisition(at: -n - 1) }
        expectMessage([path, "acquisitions 0..<\(n + 1) are out of range"]) { _ = try file.acquisitions(in: 0..<(n + 1)) }
        expectMessage([path, "array index 1 is out of range ('csm' holds 1 arrays)"]) { _ = try file.array("csm", index: 1) }

        let out = dir.appendingPathComponent("out.h5").path
        let writer = try ISMRMRDWriter(path: out)
        var a = try Acquisition(data: try NDArray(zeros: [4, 2], dtype: .complex64))
        a.head.number_of_samples = 5
        expectMessage([out, "acquisition 0: data is 4×2 complex64, but number_of_samples 5 × active_channels 2"]) { try writer.append(a) }
        a.head.number_of_samples = 4
        a.head.user_int = [1, 2]
        expectMessage([out, "acquisition 0", "user_int has 2 values, expected 8"]) { try writer.append(a) }
        expectMessage([out, "ISMRMRD has no boolean element type"]) { try writer.appendArray(NDArray([true, false]), name: "mask") }
        expectMessage([out, "outside ISMRMRD's 32-bit int type"]) { try writer.appendArray(NDArray([Int(Int32.max) + 1]), name: "big") }
        try writer.appendArray(try NDArray(zeros: [2, 3], dtype: .float32), name: "f")
        expectMessage([out, "array 'f' holds float32 arrays of shape [2, 3]; cannot append 3×2 float32"]) {
            try writer.appendArray(try NDArray(zeros: [3, 2], dtype: .float32), name: "f")
        }
    }
}

/// The damaged files the fuzzer found (fuzz/crashes/): each crashed inside HDF5 or aborted on an
/// allocation before mrs checked what it was about to read; now each is an error that names it.
final class FuzzRegressionTests: XCTestCase {
    private func read(_ name: String) -> [String] {
        let path = packageRoot.appendingPathComponent("fuzz/crashes/" + name).path
        var errors: [String] = []
        let f: ISMRMRDFile
        do { f = try ISMRMRDFile(path: path) } catch { return ["\(error)"] }
        do { _ = try f.header() } catch { errors.append("\(error)") }
        do { _ = try f.headers() } catch { errors.append("\(error)") }
        if let n = try? f.count {
            for i in 0..<min(n, 64) {
                do { _ = try f.acquisition(at: i) } catch { errors.append("\(error)") }
            }
        }
        do { _ = try f.contents() } catch { errors.append("\(error)") }
        do { _ = try f.array("phantom") } catch { errors.append("\(error)") }
        return errors
    }

    private func expect(_ name: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        let errors = read(name)
        XCTAssertTrue(errors.contains { $0.contains(fragment) && $0.contains(name) }, "\(name): \(errors)", file: file, line: line)
    }

    func testDamagedHeapObjectSizeIsRefusedBeforeHDF5CopiesIt() {
        // The whole collection is refused: HDF5 parses every object in it when it loads it.
        expect("ismrmrd-vlen-heap-size.h5", "row 4, 'data': the heap collection at address 5824 is damaged: its object 5 claims 281474976710912 bytes")
    }

    func testDamagedHeapCollectionIsRefused() {
        expect("ismrmrd-heap-collection-object-size.h5", "the heap collection at address 5824 is damaged")
    }

    func testDamagedHeapIndexOfTheXMLHeaderIsRefused() {
        expect("ismrmrd-xml-heap-index.h5", "/dataset/xml: the file is damaged: element 0: its heap object 1869181810 is missing")
    }

    func testMemberOffsetsOutsideTheRecordAreRefused() {
        expect("ismrmrd-member-offset.h5", "'head.phase_dir' at byte 67109070 (12 bytes) lies outside its 340-byte record")
        expect("ismrmrd-vlen-member-offset.h5", "'data' at byte 1509949800 (16 bytes) lies outside its 376-byte record")
    }

    func testAZeroSizeMemberTypeIsRefusedBeforeHDF5OpensTheDataset() {
        // HDF5 1.10 divided by this size (SIGFPE) inside H5Dopen, before any row was read.
        expect("ismrmrd-datatype-size-zero.h5", "/dataset/data: the file is damaged: 'head.channel_mask' has a datatype of size 0")
    }

    func testACompactLayoutSmallerThanItsDataIsRefused() {
        // A chunked layout turned compact with 0 stored bytes: HDF5 1.10 copied from a null pointer.
        expect("ismrmrd-compact-layout-size.h5", "/dataset/phantom: the file is damaged: the dataset's compact storage holds 0 bytes, not the 512 bytes of its data")
    }

    func testAGroupWhoseStructuresMovedIsRefusedBeforeHDF5ListsIt() {
        // 18 bytes inserted inside the root group's B-tree node: HDF5 1.10 crashed in
        // H5F__accum_read while counting the group's links.
        XCTAssertEqual(read("ismrmrd-group-heap-shifted.h5").first,
                       "\(packageRoot.path)/fuzz/crashes/ismrmrd-group-heap-shifted.h5: /: the file is damaged: there is no name heap at address 680")
    }

    func testADamagedGroupTreeNamesTheNode() throws {
        // The root group's B-tree (at 0x88 in tiny.h5) gets a child address far beyond the file.
        var bytes = [UInt8](try Data(contentsOf: packageRoot.appendingPathComponent("fuzz/corpus/ismrmrd/tiny.h5")))
        withUnsafeBytes(of: UInt64(0x0A3E_7265_6461).littleEndian) { for (k, b) in $0.enumerated() { bytes[0xA8 + k] = b } }
        let path = try makeTemporaryDirectory(self, "btree").appendingPathComponent("tree.h5").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ISMRMRDFile(path: path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("tree.h5: /: the file is damaged: a symbol node of the group at address 11263323497569 (328 bytes) lies beyond the end of the file (29520 bytes)"), "\(error)")
        }
    }

    func testAHugeRowCountIsAMemoryLimitErrorNotAnAbort() {
        let saved = MemoryLimit.bytes
        MemoryLimit.bytes = 1 << 30
        defer { MemoryLimit.bytes = saved }
        let errors = read("ismrmrd-huge-row-count.h5")
        XCTAssertTrue(errors.contains { $0.contains("read 730144440328 acquisition headers") && $0.contains("more than the memory limit") }, "\(errors)")
    }
}

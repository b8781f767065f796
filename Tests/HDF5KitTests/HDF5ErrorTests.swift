import Foundation
import HDF5Kit
import NDArray
import PeerTestSupport
import XCTest

final class HDF5ErrorTests: XCTestCase {
    private func expectError(_ kind: HDF5Error.Kind, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                             _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let e = error as? HDF5Error else { return XCTFail("not an HDF5Error: \(error)", file: file, line: line) }
            XCTAssertEqual(e.kind, kind, "\(e)", file: file, line: line)
            for f in fragments {
                XCTAssertTrue(e.description.contains(f), "'\(e)' lacks '\(f)'", file: file, line: line)
            }
        }
    }

    func testMissingPathDirectoryAndNonHDF5File() throws {
        let dir = try makeTemporaryDirectory(self, "hdf5kit")
        let missing = dir.appendingPathComponent("nope.h5").path
        expectError(.fileNotFound, [missing, "no such file"]) { _ = try HDF5File(path: missing) }
        expectError(.isDirectory, [dir.path, "is a directory"]) { _ = try HDF5File(path: dir.path) }
        let text = dir.appendingPathComponent("notes.h5").path
        try "just some text, not HDF5\n".write(toFile: text, atomically: true, encoding: .utf8)
        expectError(.notHDF5File, [text, "is not an HDF5 file"]) { _ = try HDF5File(path: text) }
        let nowhere = dir.appendingPathComponent("no/such/dir/out.h5").path
        expectError(.fileNotFound, ["directory", "does not exist"]) { _ = try HDF5File(creating: nowhere) }
    }

    func testTruncatedFileReportsHDF5Reason() throws {
        let dir = try makeTemporaryDirectory(self, "hdf5kit")
        let p = dir.appendingPathComponent("full.h5").path
        do {
            let f = try HDF5File(creating: p)
            try f.createDataset("big", array: try NDArray(zeros: [100_000], dtype: .float64))
            try f.commit()
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: p))
        let cut = dir.appendingPathComponent("cut.h5").path
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: cut))
        // HDF5 detects the short file while opening it; the innermost reason says so.
        expectError(.libraryError, [cut, "cannot open the HDF5 file", "(HDF5: ", "truncated file"]) { _ = try HDF5File(path: cut) }
    }

    func testMissingObjectsAndWrongKinds() throws {
        let dir = try makeTemporaryDirectory(self, "hdf5kit")
        let p = dir.appendingPathComponent("objects.h5").path
        do {
            let f = try HDF5File(creating: p)
            let g = try f.createGroup("dataset")
            try g.createStringDataset("xml", strings: ["<a/>"])
            try f.commit()
        }
        let f = try HDF5File(path: p)
        expectError(.objectNotFound, [p, "/other", "no group 'other' in the file"]) { _ = try f.openGroup("other") }
        expectError(.objectNotFound, ["/dataset/data", "no dataset 'data' in group '/dataset'"]) {
            _ = try f.openGroup("dataset").openDataset("data")
        }
        expectError(.typeMismatch, ["/dataset/xml", "is a dataset, not a group"]) { _ = try f.openGroup("dataset/xml") }
        expectError(.typeMismatch, ["/dataset", "is a group, not a dataset"]) { _ = try f.openDataset("dataset") }
        expectError(.typeMismatch, ["holds vlen string, which does not read as a numeric array"]) {
            _ = try f.openDataset("dataset/xml").read()
        }
        XCTAssertNil(f.kind(of: "a/b/c"))
        XCTAssertEqual(f.kind(of: "/dataset/xml"), .dataset)
    }

    func testWritingToReadOnlyFileNamesHDF5Reason() throws {
        let dir = try makeTemporaryDirectory(self, "hdf5kit")
        let p = dir.appendingPathComponent("ro.h5").path
        do { let f = try HDF5File(creating: p); try f.createDataset("a", array: NDArray([1.0, 2.0] as [Double])); try f.commit() }
        let f = try HDF5File(path: p)
        expectError(.libraryError, ["/a", "cannot write", "(HDF5: "]) {
            try f.openDataset("a").write(NDArray([3.0, 4.0] as [Double]))
        }
        expectError(.libraryError, ["cannot create the group", "(HDF5: "]) { _ = try f.createGroup("new") }
    }
}

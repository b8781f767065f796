import Foundation
import MRSLanguage
import MRSShell
import PeerTestSupport
import XCTest

/// ismrmrd_validate through the language on a file of the reference generator (a dataset, its
/// path, its header record, its XML text), and ismrmrd_create refusing an invalid header.
final class IsmrmrdValidateLanguageTests: XCTestCase {
    func session(_ path: String, _ dir: URL) -> Session {
        let s = Session()
        s.interp.setGlobal("path", .string(path))
        s.interp.setGlobal("dir", .string(dir.path))
        return s
    }

    func testEveryFormOfHeaderValidates() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-shell")
        let path = dir.appendingPathComponent("sl.h5").path
        try generateSheppLogan(path, ["-m", "16", "-c", "2"])
        let s = session(path, dir)
        var out = ""
        s.interp.output = { out += $0 }
        let code = """
        f = ismrmrd(path)
        print(ismrmrd_validate(f), ismrmrd_validate(path), ismrmrd_validate(f.header), ismrmrd_validate(f.xml))
        h = f.header
        h.encoding[0].trajectory = "helical"
        v = ismrmrd_validate(h)
        print(len(v), v[0].element)
        """
        if case .failure(let e) = s.run(code, name: "test") { return XCTFail(s.render(e)) }
        XCTAssertEqual(out, "[] [] [] []\n1 encoding[0].trajectory\n")

        // The writer refuses the same header before the file exists.
        let out2 = dir.appendingPathComponent("copy.h5").path
        guard case .failure(let e) = s.run("w = ismrmrd_create(dir + \"/copy.h5\", h)", name: "test") else { return XCTFail("expected an error") }
        let message = s.render(e)
        XCTAssertTrue(message.contains("refusing to write an XML header that breaks the ISMRMRD schema"), message)
        XCTAssertTrue(message.contains("encoding[0].trajectory") && message.contains("'helical'"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out2))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["sl.h5"])

        // A schema that is not there is an error for ismrmrd_validate (it was asked to validate).
        guard case .failure(let e2) = s.run("ismrmrd_validate(f, schema=\"/nonexistent.xsd\")", name: "test") else { return XCTFail("expected an error") }
        XCTAssertTrue(s.render(e2).contains("does not exist"), s.render(e2))
    }

    /// MRS_ISMRMRD_XSD chooses the schema; `none` (as on a machine without one) writes headers
    /// unvalidated with one warning per process, and ismrmrd_validate says it has no schema.
    func testSchemaFromTheEnvironment() throws {
        let dir = try makeTemporaryDirectory(self, "mrs-shell")
        let code = """
        space = {matrixSize: {x: 8, y: 8, z: 1}, fieldOfView_mm: {x: 200.0, y: 200.0, z: 5.0}}
        h = {experimentalConditions: {H1resonanceFrequency_Hz: 1}, encoding: [{encodedSpace: space, reconSpace: space, encodingLimits: {}, trajectory: "helical"}]}
        for name in ["a.h5", "b.h5"]
          w = ismrmrd_create(ARGS[0] + "/" + name, h)
          ismrmrd_close(w)
        end
        print("written")
        """
        let unvalidated = try TestSupport.mrs(["-e", code, dir.path], env: ["MRS_ISMRMRD_XSD": "none"])
        XCTAssertEqual(unvalidated.status, 0, unvalidated.stderr)
        XCTAssertEqual(unvalidated.stdout, "written\n")
        XCTAssertEqual(unvalidated.stderr.components(separatedBy: "written without schema validation").count, 2, "one warning: \(unvalidated.stderr)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.h5", "b.h5"])

        let noSchema = try TestSupport.mrs(["-e", "ismrmrd_validate(\"<ismrmrdHeader/>\")"], env: ["MRS_ISMRMRD_XSD": "none"])
        XCTAssertNotEqual(noSchema.status, 0)
        XCTAssertTrue(noSchema.stderr.contains("the ISMRMRD schema was not found"), noSchema.stderr)

        let wrong = try TestSupport.mrs(["-e", "ismrmrd_validate(\"<ismrmrdHeader/>\")"], env: ["MRS_ISMRMRD_XSD": dir.path + "/missing.xsd"])
        XCTAssertTrue(wrong.stderr.contains("MRS_ISMRMRD_XSD names an ISMRMRD schema file that does not exist"), wrong.stderr)
    }
}

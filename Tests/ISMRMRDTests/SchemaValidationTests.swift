import Foundation
import ISMRMRD
import PeerTestSupport
import XCTest

/// The header through libxml2: headers of the reference tools, ismrmrd-python and mrs round-trip
/// read → write → read, validate against Debian's ismrmrd.xsd, and violations name element and line.
final class SchemaValidationTests: XCTestCase {
    static let pythonHeader = """
    import ismrmrd.xsd as x
    space = lambda: x.encodingSpaceType(matrixSize=x.matrixSizeType(x=64, y=64, z=1), fieldOfView_mm=x.fieldOfViewMm(x=300.0, y=300.0, z=5.0))
    e = x.encodingType(encodedSpace=space(), reconSpace=space(), trajectory=x.trajectoryType.CARTESIAN,
                       encodingLimits=x.encodingLimitsType(kspace_encoding_step_1=x.limitType(minimum=0, maximum=63, center=32)))
    h = x.ismrmrdHeader(experimentalConditions=x.experimentalConditionsType(H1resonanceFrequency_Hz=63500000), encoding=[e],
                        measurementInformation=x.measurementInformationType(patientPosition=x.patientPositionType.HFS, protocolName='p & <q>'),
                        sequenceParameters=x.sequenceParametersType(TR=[5.0], TE=[2.5, 5.0]))
    print(x.ToXML(h))
    """

    func schema() throws -> String {
        guard let path = try ISMRMRDValidator.schemaPath() else {
            XCTFail("the ISMRMRD schema is needed (Debian ismrmrd-schema, installed by scripts/test)")
            throw XCTSkip("no schema")
        }
        return path
    }

    func testReferenceHeadersRoundTripAndValidate() throws {
        let schema = try schema()
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("sl.h5").path
        try generateSheppLogan(path, ["-m", "16", "-c", "2"])
        let sources = [
            ("ismrmrd_generate_cartesian_shepp_logan", try ISMRMRDFile(path: path).xml()),
            ("ismrmrd-python", try runPython(SchemaValidationTests.pythonHeader)),
            ("mrs", try ISMRMRDHeader.xml(WriterInteropTests.header)),
        ]
        for (name, xml) in sources {
            XCTAssertEqual(try ISMRMRDValidator.validate(xml: xml, schemaPath: schema).violations, [], name)
            let first = try ISMRMRDHeader.parse(xml)
            let written = try ISMRMRDHeader.xml(first)
            let again = try ISMRMRDHeader.parse(written)
            XCTAssertEqual(again, first, name)
            XCTAssertEqual(try ISMRMRDHeader.xml(again), written, "\(name): writing is byte-stable")
            XCTAssertEqual(try ISMRMRDValidator.validate(xml: written, schemaPath: schema).violations, [], name)
        }
        XCTAssertEqual(try ISMRMRDHeader.parse(sources[1].1).value(at: "measurementInformation.protocolName")?.stringValue, "p & <q>")
    }

    /// A header with a patient position outside the enumeration and a negative matrix size, and
    /// one without experimentalConditions (reported where the schema expected it).
    func testViolationsNameElementAndLine() throws {
        let schema = try schema()
        let encoding = """
          <encoding>
            <encodedSpace>
              <matrixSize><x>-64</x><y>64</y><z>1</z></matrixSize>
              <fieldOfView_mm><x>300</x><y>300</y><z>5</z></fieldOfView_mm>
            </encodedSpace>
            <reconSpace>
              <matrixSize><x>64</x><y>64</y><z>1</z></matrixSize>
              <fieldOfView_mm><x>300</x><y>300</y><z>5</z></fieldOfView_mm>
            </reconSpace>
            <encodingLimits/>
            <trajectory>cartesian</trajectory>
          </encoding>
        """
        let bad = """
        <?xml version="1.0"?>
        <ismrmrdHeader xmlns="http://www.ismrm.org/ISMRMRD">
          <measurementInformation>
            <patientPosition>UPSIDE_DOWN</patientPosition>
          </measurementInformation>
          <experimentalConditions><H1resonanceFrequency_Hz>63500000</H1resonanceFrequency_Hz></experimentalConditions>
        \(encoding)
        </ismrmrdHeader>
        """
        let v = try ISMRMRDValidator.validate(xml: bad, schemaPath: schema).violations
        XCTAssertEqual(v.map(\.element), ["measurementInformation.patientPosition", "encoding[0].encodedSpace.matrixSize.x"], "\(v)")
        XCTAssertEqual(v.map(\.line), [4, 9], "\(v)")
        XCTAssertTrue(v[0].message.contains("'UPSIDE_DOWN' is not an element of the set"), v[0].message)
        XCTAssertTrue(v[1].message.contains("'-64' is not a valid value"), v[1].message)
        XCTAssertFalse(v[1].message.contains("{http"), "namespaces are left out: \(v[1].message)")

        let missing = "<ismrmrdHeader xmlns=\"http://www.ismrm.org/ISMRMRD\">\n\(encoding.replacingOccurrences(of: "-64", with: "64"))\n</ismrmrdHeader>"
        let m = try ISMRMRDValidator.validate(xml: missing, schemaPath: schema).violations
        XCTAssertEqual(m.count, 1, "\(m)")
        XCTAssertEqual(m.first?.element, "encoding[0]")
        XCTAssertEqual(m.first?.line, 2)
        XCTAssertTrue(m.first?.message.contains("experimentalConditions") == true, "\(m)")
    }

    func testMalformedHeadersAndMissingSchemaAreErrors() throws {
        let schema = try schema()
        XCTAssertThrowsError(try ISMRMRDValidator.validate(xml: "<ismrmrdHeader>\n<encoding>\n</ismrmrdHeader>", schemaPath: schema)) {
            XCTAssertTrue("\($0)".hasPrefix("XML line 3"), "\($0)")
        }
        XCTAssertThrowsError(try ISMRMRDValidator.schemaPath("/nonexistent/ismrmrd.xsd")) {
            XCTAssertTrue("\($0)".contains("does not exist"), "\($0)")
        }
        let notSchema = try makeTemporaryDirectory(self, "ismrmrd").appendingPathComponent("not.xsd")
        try "<a/>".write(to: notSchema, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ISMRMRDValidator.validate(xml: "<ismrmrdHeader/>", schemaPath: notSchema.path)) {
            XCTAssertTrue("\($0)".contains("is not a usable XML schema"), "\($0)")
        }
    }

    /// mrs's multiband element is newer than Debian's 1.8 schema: it is left out, the rest checked.
    func testMultibandExtensionIsLeftOutForTheOlderSchema() throws {
        let schema = try schema()
        var header = WriterInteropTests.header
        guard case .record(var fields) = header, let k = fields.firstIndex(where: { $0.name == "encoding" }),
              case .list(var encodings) = fields[k].value, case .record(var encoding) = encodings[0] else {
            return XCTFail("unexpected test header shape")
        }
        encoding.append(.init("parallelImaging", .record([
            .init("accelerationFactor", .record([.init("kspace_encoding_step_1", .int(2)), .init("kspace_encoding_step_2", .int(1))])),
            .init("multiband", .record([.init("spacing", .list([.record([.init("dZ", .list([.double(60)]))])])),
                                        .init("deltaKz", .double(0.01)), .init("multiband_factor", .int(2))])),
        ])))
        encodings[0] = .record(encoding)
        fields[k].value = .list(encodings)
        header = .record(fields)
        let result = try ISMRMRDValidator.validate(xml: try ISMRMRDHeader.xml(header), schemaPath: schema)
        XCTAssertEqual(result.violations, [])
        XCTAssertEqual(result.ignoredExtensions, try String(contentsOfFile: schema, encoding: .utf8).contains("name=\"multiband\"") ? [] : ["encoding[0].parallelImaging.multiband"])
    }

    /// The writer checks before it creates anything: no file, and an existing file is unchanged.
    func testWriterRefusesAHeaderThatBreaksTheSchema() throws {
        _ = try schema()
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("new.h5").path
        var xml = try ISMRMRDHeader.xml(WriterInteropTests.header)
        xml = xml.replacingOccurrences(of: "<trajectory>radial</trajectory>", with: "<trajectory>helical</trajectory>")
        XCTAssertThrowsError(try ISMRMRDWriter(path: path, xml: xml)) {
            XCTAssertTrue("\($0)".contains("encoding[0].trajectory"), "\($0)")
            XCTAssertTrue("\($0)".contains("nothing was written"), "\($0)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
        let kept = dir.appendingPathComponent("old.h5").path
        try "old".write(toFile: kept, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ISMRMRDWriter(path: kept).writeXML(xml))
        XCTAssertEqual(try String(contentsOfFile: kept, encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["old.h5"])
    }
}

import ISMRMRD
import XCTest

/// The XML header becomes a record typed by the ISMRMRD schema, and records become XML again.
final class HeaderConversionTests: XCTestCase {
    static let xml = """
    <?xml version="1.0"?>
    <ismrmrdHeader xmlns="http://www.ismrm.org/ISMRMRD">
      <version>2</version>
      <subjectInformation><patientName>Doe^John</patientName><patientWeight_kg>70.5</patientWeight_kg><patientBirthdate>1980-01-02</patientBirthdate></subjectInformation>
      <acquisitionSystemInformation>
        <systemFieldStrength_T>2.89</systemFieldStrength_T>
        <receiverChannels>12</receiverChannels>
        <coilLabel><coilNumber>3</coilNumber><coilName>H1</coilName></coilLabel>
      </acquisitionSystemInformation>
      <experimentalConditions><H1resonanceFrequency_Hz>123251815</H1resonanceFrequency_Hz></experimentalConditions>
      <encoding>
        <encodedSpace><matrixSize><x>256</x><y>64</y><z>1</z></matrixSize><fieldOfView_mm><x>600</x><y>150</y><z>5</z></fieldOfView_mm></encodedSpace>
        <reconSpace><matrixSize><x>128</x><y>64</y><z>1</z></matrixSize><fieldOfView_mm><x>300</x><y>150</y><z>5</z></fieldOfView_mm></reconSpace>
        <encodingLimits><kspace_encoding_step_1><minimum>0</minimum><maximum>63</maximum><center>32</center></kspace_encoding_step_1></encodingLimits>
        <trajectory>epi</trajectory>
        <trajectoryDescription><identifier>ConventionalEPI</identifier><userParameterLong><name>etl</name><value>64</value></userParameterLong></trajectoryDescription>
      </encoding>
      <sequenceParameters><TR>2000</TR><TE>30</TE><flipAngle_deg>90</flipAngle_deg><sequence_type>EPI</sequence_type></sequenceParameters>
      <userParameters><userParameterDouble><name>MaxwellCoefficient_0</name><value>-1.5e-05</value></userParameterDouble></userParameters>
      <vendorExtension><mode>fast</mode><mode>slow</mode><level>3</level></vendorExtension>
    </ismrmrdHeader>
    """

    func testSchemaTypesListsAndAbsentElements() throws {
        let h = try ISMRMRDHeader.parse(HeaderConversionTests.xml)
        XCTAssertEqual(h["version"], .int(2))
        XCTAssertEqual(h.value(at: "subjectInformation.patientName"), .string("Doe^John"))
        XCTAssertEqual(h.value(at: "subjectInformation.patientWeight_kg"), .double(70.5))
        XCTAssertEqual(h.value(at: "subjectInformation.patientBirthdate"), .string("1980-01-02"), "dates stay strings")
        XCTAssertEqual(h.value(at: "acquisitionSystemInformation.systemFieldStrength_T"), .double(2.89))
        XCTAssertEqual(h.value(at: "acquisitionSystemInformation.coilLabel"),
                       .list([.record([.init("coilNumber", .int(3)), .init("coilName", .string("H1"))])]), "coilLabel may repeat: always a list")
        XCTAssertEqual(h["encoding"]?.items?.count, 1, "encoding is a list even with one element")
        XCTAssertEqual(h.value(at: "encoding.0.encodedSpace.matrixSize"), .record([.init("x", .int(256)), .init("y", .int(64)), .init("z", .int(1))]))
        XCTAssertEqual(h.value(at: "encoding.0.encodedSpace.fieldOfView_mm.x"), .double(600), "float elements are doubles even when written as integers")
        XCTAssertEqual(h.value(at: "encoding.0.trajectory"), .string("epi"))
        XCTAssertEqual(h.value(at: "encoding.0.trajectoryDescription.userParameterLong.0.value"), .int(64))
        XCTAssertNil(h.value(at: "encoding.0.encodingLimits.slice"), "absent elements stay absent")
        XCTAssertNil(h.value(at: "encoding.0.parallelImaging"))
        XCTAssertEqual(h.value(at: "sequenceParameters.TR"), .list([.double(2000)]))
        XCTAssertEqual(h.value(at: "sequenceParameters.TE"), .list([.double(30)]))
        XCTAssertEqual(h.value(at: "sequenceParameters.sequence_type"), .string("EPI"))
        XCTAssertEqual(h.value(at: "userParameters.userParameterDouble.0.value"), .double(-1.5e-05))
        // Unknown elements are kept: records with children, lists when repeated, strings otherwise.
        XCTAssertEqual(h["vendorExtension"], .record([.init("mode", .list([.string("fast"), .string("slow")])), .init("level", .string("3"))]))
        // Fields keep document order.
        XCTAssertEqual(h.recordFields?.map(\.name), ["version", "subjectInformation", "acquisitionSystemInformation", "experimentalConditions",
                                              "encoding", "sequenceParameters", "userParameters", "vendorExtension"])
    }

    func testRecordToXMLAndBack() throws {
        let h = try ISMRMRDHeader.parse(HeaderConversionTests.xml)
        let xml = try ISMRMRDHeader.xml(h)
        XCTAssertTrue(xml.contains("<ismrmrdHeader xmlns=\"http://www.ismrm.org/ISMRMRD\""), xml)
        XCTAssertTrue(xml.contains("<TE>30.0</TE>"), xml)
        XCTAssertTrue(xml.contains("<x>256</x>"), xml)
        XCTAssertEqual(try ISMRMRDHeader.parse(xml), h)
        // Integral doubles are accepted for integer elements; lists for repeatable ones only.
        let edited = HeaderValue.record([
            .init("experimentalConditions", .record([.init("H1resonanceFrequency_Hz", .double(63_500_000))])),
            .init("encoding", .record([.init("trajectory", .string("radial"))])),
        ])
        let back = try ISMRMRDHeader.parse(try ISMRMRDHeader.xml(edited))
        XCTAssertEqual(back.value(at: "experimentalConditions.H1resonanceFrequency_Hz"), .int(63_500_000))
        XCTAssertEqual(back.value(at: "encoding.0.trajectory"), .string("radial"), "a single record for a repeatable element reads back as a list")
    }

    /// XSD sequences are ordered: a record written in another order comes out in schema order
    /// (unknown names last), so hand-made headers validate.
    func testRecordsAreWrittenInSchemaOrder() throws {
        let h = HeaderValue.record([
            .init("encoding", .record([.init("trajectory", .string("radial")),
                                      .init("encodedSpace", .record([.init("fieldOfView_mm", .record([.init("x", .double(1)), .init("y", .double(1)), .init("z", .double(1))])),
                                                                     .init("matrixSize", .record([.init("z", .int(1)), .init("y", .int(2)), .init("x", .int(3))]))]))])),
            .init("measurementInformation", .record([.init("protocolName", .string("p")), .init("patientPosition", .string("HFS"))])),
            .init("experimentalConditions", .record([.init("H1resonanceFrequency_Hz", .int(1))])),
        ])
        let xml = try ISMRMRDHeader.xml(h)
        func position(_ s: String) -> Int { xml.range(of: s).map { xml.distance(from: xml.startIndex, to: $0.lowerBound) } ?? -1 }
        XCTAssertLessThan(position("<measurementInformation>"), position("<experimentalConditions>"))
        XCTAssertLessThan(position("<experimentalConditions>"), position("<encoding>"))
        XCTAssertLessThan(position("<patientPosition>"), position("<protocolName>"))
        XCTAssertLessThan(position("<encodedSpace>"), position("<trajectory>"))
        XCTAssertLessThan(position("<matrixSize>"), position("<fieldOfView_mm>"))
        XCTAssertLessThan(position("<x>3</x>"), position("<z>1</z>"))
    }

    private func expectMessage(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            for f in fragments { XCTAssertTrue("\(error)".contains(f), "'\(error)' lacks '\(f)'", file: file, line: line) }
        }
    }

    func testTypeErrorsNameTheElementAndLine() {
        func header(_ body: String) -> String { "<ismrmrdHeader>\n\(body)\n</ismrmrdHeader>" }
        expectMessage(["encoding[0].encodedSpace.matrixSize.x (line 2): expected an integer, got 'abc'"]) {
            _ = try ISMRMRDHeader.parse(header("<encoding><encodedSpace><matrixSize><x>abc</x></matrixSize></encodedSpace></encoding>"))
        }
        expectMessage(["encoding[0].encodedSpace.matrixSize.y (line 3): 70000 is outside the allowed range 0…65535"]) {
            _ = try ISMRMRDHeader.parse(header("<encoding><encodedSpace><matrixSize>\n<y>70000</y></matrixSize></encodedSpace></encoding>"))
        }
        expectMessage(["encoding[0].encodedSpace.fieldOfView_mm.z (line 2): expected a number, got '5mm'"]) {
            _ = try ISMRMRDHeader.parse(header("<encoding><encodedSpace><fieldOfView_mm><z>5mm</z></fieldOfView_mm></encodedSpace></encoding>"))
        }
        expectMessage(["experimentalConditions (line 3): appears 2 times, but the ISMRMRD schema allows one"]) {
            _ = try ISMRMRDHeader.parse(header("<experimentalConditions/>\n<experimentalConditions/>"))
        }
        expectMessage(["the root element is <header>, expected <ismrmrdHeader>"]) { _ = try ISMRMRDHeader.parse("<header/>") }
        expectMessage(["version (line 2): has child elements"]) { _ = try ISMRMRDHeader.parse(header("<version><a/></version>")) }

        expectMessage(["experimentalConditions is a list of 2, but the ISMRMRD schema allows one <experimentalConditions>"]) {
            _ = try ISMRMRDHeader.xml(.record([.init("experimentalConditions", .list([.record([]), .record([])]))]))
        }
        expectMessage(["version must be a number, got the string \"two\""]) {
            _ = try ISMRMRDHeader.xml(.record([.init("version", .string("two"))]))
        }
        expectMessage(["encoding[0].encodedSpace.matrixSize.x must be an integer in 0…65535, got 256.5"]) {
            _ = try ISMRMRDHeader.xml(.record([.init("encoding", .list([.record([.init("encodedSpace", .record([
                .init("matrixSize", .record([.init("x", .double(256.5))]))]))])]))]))
        }
        expectMessage(["encoding[0].encodedSpace must be a record of child elements"]) {
            _ = try ISMRMRDHeader.xml(.record([.init("encoding", .list([.record([.init("encodedSpace", .int(3))])]))]))
        }
    }
}

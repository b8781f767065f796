import Gadgets
import XCTest

/// Gadgetron XML stream configurations, both forms, and their errors.
final class StreamConfigurationTests: XCTestCase {
    let classic = """
    <?xml version="1.0" encoding="utf-8"?>
    <gadgetronStreamConfiguration xsi:schemaLocation="http://gadgetron.sf.net/gadgetron gadgetron.xsd"
            xmlns="http://gadgetron.sf.net/gadgetron" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <reader><slot>1008</slot><dll>gadgetron_mricore</dll><classname>GadgetIsmrmrdAcquisitionMessageReader</classname></reader>
        <writer><slot>1022</slot><dll>gadgetron_mricore</dll><classname>MRIImageWriter</classname></writer>
        <gadget>
            <name>MyFirstPythonGadget</name><dll>gadgetron_python</dll><classname>PythonGadget</classname>
            <property><name>python_path</name><value>/somewhere</value></property>
            <property><name>python_module</name><value>my_first_gadget</value></property>
            <property><name>python_class</name><value>MyFirstPythonGadget</value></property>
        </gadget>
        <gadget>
            <name>AccTrig</name><dll>gadgetron_mricore</dll><classname>AcquisitionAccumulateTriggerGadget</classname>
            <property><name>trigger_dimension</name><value>repetition</value></property>
            <property><name>sorting_dimension</name><value></value></property>
        </gadget>
        <gadget><classname>SimpleReconGadget</classname></gadget>
    </gadgetronStreamConfiguration>
    """

    func testClassicForm() throws {
        let c = try StreamConfiguration.parse(classic, path: "classic.xml")
        XCTAssertEqual(c.readers, ["GadgetIsmrmrdAcquisitionMessageReader"])
        XCTAssertEqual(c.writers, ["MRIImageWriter"])
        XCTAssertEqual(c.gadgets.map(\.name), ["MyFirstPythonGadget", "AccTrig", "SimpleReconGadget"])
        XCTAssertEqual(c.gadgets.map(\.className), ["PythonGadget", "AcquisitionAccumulateTriggerGadget", "SimpleReconGadget"])
        XCTAssertEqual(c.gadgets[0].python, StreamConfiguration.PythonReference(module: "my_first_gadget", entry: "MyFirstPythonGadget"))
        XCTAssertTrue(c.gadgets[0].properties.isEmpty, "the python_* properties become the reference")
        XCTAssertEqual(c.gadgets[1].properties.map(\.0), ["trigger_dimension", "sorting_dimension"])
        XCTAssertEqual(c.gadgets[1].properties.map(\.1), ["repetition", ""])
        XCTAssertEqual(c.gadgets[1].dll, "gadgetron_mricore")
        XCTAssertEqual(c.gadgets[1].line, 12)
    }

    func testStreamFormWithPythonAndExternalElements() throws {
        let text = """
        <configuration>
          <version>2</version>
          <readers><reader><dll>gadgetron_core_readers</dll><classname>AcquisitionReader</classname></reader></readers>
          <writers><writer><dll>gadgetron_core_writers</dll><classname>ImageWriter</classname></writer></writers>
          <stream>
            <gadget><name>Buff</name><classname>BucketToBufferGadget</classname><property name="split_slices" value="true"/></gadget>
            <python><name>Mine</name><module>my_module</module><class>MyGadget</class><property><name>k</name><value>3</value></property></python>
            <external><execute name="other_module" target="recon" type="python"/><configuration><property name="x" value="1"/></configuration></external>
          </stream>
        </configuration>
        """
        let c = try StreamConfiguration.parse(text, path: "new.xml")
        XCTAssertEqual(c.readers, ["AcquisitionReader"])
        XCTAssertEqual(c.writers, ["ImageWriter"])
        XCTAssertEqual(c.gadgets.map(\.name), ["Buff", "Mine", "recon"])
        XCTAssertEqual(c.gadgets[0].properties.map(\.1), ["true"])
        XCTAssertEqual(c.gadgets[1].python, StreamConfiguration.PythonReference(module: "my_module", entry: "MyGadget"))
        XCTAssertEqual(c.gadgets[1].properties.map(\.0), ["k"])
        XCTAssertEqual(c.gadgets[2].python, StreamConfiguration.PythonReference(module: "other_module", entry: "recon"))
        XCTAssertEqual(c.gadgets[2].properties.map(\.0), ["x"])
    }

    func message(_ text: String) -> String {
        do {
            _ = try StreamConfiguration.parse(text, path: "bad.xml")
            XCTFail("expected an error for \(text)")
            return ""
        } catch {
            return "\(error)"
        }
    }

    func testErrorsNameFileLineAndProblem() {
        XCTAssertTrue(message("<gadgetronStreamConfiguration>\n<gadget><classname>X</classname>\n</gadgetronStreamConfiguration>")
            .hasPrefix("bad.xml:3: malformed XML"), message("<gadgetronStreamConfiguration>\n<gadget><classname>X</classname>\n</gadgetronStreamConfiguration>"))
        XCTAssertEqual(message("<configuration><stream>\n<gadget><name>A</name></gadget></stream></configuration>"), "bad.xml:2: <gadget> has no <classname>")
        XCTAssertEqual(message("<gadgetronStreamConfiguration>\n\n<gadget><classname>A</classname><property><value>1</value></property></gadget></gadgetronStreamConfiguration>"),
                       "bad.xml:3: a <property> of <gadget> has no <name>")
        XCTAssertTrue(message("<ismrmrdHeader/>").contains("the root element is <ismrmrdHeader>"))
        XCTAssertTrue(message("<gadgetronStreamConfiguration><gadget><classname>PythonGadget</classname></gadget></gadgetronStreamConfiguration>")
            .contains("needs the properties python_module and python_class"))
        XCTAssertTrue(message("<configuration><stream><python><module>m</module></python></stream></configuration>").contains("<python> has no <class> or <function>"))
        XCTAssertTrue(message("<configuration><stream><parallel/></stream></configuration>").contains("not supported offline"))
        XCTAssertTrue(message("<configuration><stream><banana/></stream></configuration>").contains("unexpected element <banana>"))
    }

    /// Every property a built-in declares is read by it (so none is reported as ignored), an
    /// undeclared one is reported, and unknown classes list the built-ins.
    func testCatalogPropertiesAndUnknownClasses() throws {
        XCTAssertEqual(GadgetCatalog.classes.count, 22)
        for c in GadgetCatalog.classes {
            let defaults = c.properties.map { ($0.name, $0.defaultValue.replacingOccurrences(of: "\"", with: "")) }
            let (_, ignored) = try GadgetCatalog.make(c.name, properties: defaults + [("perform_timing", "true")])
            XCTAssertEqual(ignored, ["perform_timing"], c.name)
        }
        XCTAssertThrowsError(try GadgetCatalog.make("EPIReconXGadgetX", properties: [])) { e in
            XCTAssertTrue("\(e)".contains("no built-in gadget 'EPIReconXGadgetX'"), "\(e)")
            XCTAssertTrue("\(e)".contains("BucketToBufferGadget, ComplexToFloatGadget"), "\(e)")
        }
        XCTAssertThrowsError(try GadgetCatalog.make("BucketToBufferGadget", properties: [("N_dimension", "banana")])) { e in
            XCTAssertTrue("\(e)".contains("N_dimension = 'banana' is not a counter"), "\(e)")
        }
        XCTAssertThrowsError(try GadgetCatalog.make("SimpleReconGadget", properties: [("image_series", "x")])) { e in
            XCTAssertTrue("\(e)".contains("image_series = 'x' is not an integer"), "\(e)")
        }
    }
}

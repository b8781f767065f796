import Foundation
import MRSLanguage
import MRSShell
import PeerTestSupport
import XCTest

/// Gadgets written in mrs, chains, XML configurations and `mrs chain`, through the language.
final class GadgetLanguageTests: XCTestCase {
    func run(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try SessionRunner.workshop(code, file: file, line: line)
    }

    /// State kept between calls, the header once in config, several messages per call, and what a
    /// gadget held back passed on at the end of the stream.
    func testUserGadgetsKeepStateSendManyAndFlushAtTheEnd() throws {
        let out = try run("""
        f = ismrmrd(dir + "/datasets/cart_r2_embedded.h5")
        fn cfg(self, header)
          self.matrix = header.encoding[0].encodedSpace.matrixSize.y
        end
        fn twice(self, acq, put)
          self.n = self.n + 1
          put(acq)
          put(self.n)
        end
        fn hold(self, m, put)
          if type(m) == "int"
            self.held = append(self.held, m)
          else
            put(m)
          end
        end
        fn flush(self, put)
          put(sum(self.held))
        end
        c = chain([gadget(twice, config=cfg, state={n: 0}, name="Twice"), gadget(hold, close=flush, state={held: []}, name="Hold")])
        r = run_chain(c, f, tap=["Twice", 1])
        n = len(f)
        print(r.states.Twice.n == n, r.states.Twice.matrix)
        print(len(r.output) == n + 1, r.output[-1] == n * (n + 1) / 2, type(r.output[0]))
        print(len(r.tap) == 2 * n, len(r.taps), r.stats[0].received == n, r.stats[0].sent == 2 * n, r.stats[1].sent == n + 1)
        r2 = run_chain(c, select(f, repetition=0))
        print(r2.states.Twice.n == len(select(f, repetition=0)))
        """)
        XCTAssertEqual(out, ["true 64", "true true acquisition", "true 2 true true true", "true"])
    }

    /// A gadget error names the gadget, the message number and the place in the gadget's code;
    /// the session's variables are intact afterwards.
    func testGadgetErrorNamesGadgetMessageAndPlaceAndKeepsVariables() throws {
        let w = try LessonTests.prepareWorkdir()
        let s = Session()
        var printed = ""
        s.interp.output = { printed += $0 }
        s.interp.setGlobal("dir", .string(w.path))
        if case .failure(let e) = s.run("keep = 42\nf = ismrmrd(dir + \"/datasets/cart_r2_embedded.h5\")", name: "setup") { return XCTFail(s.render(e)) }
        let code = """
        bad = gadget(fn(self, acq, put)
          self.k = self.k + 1
          if self.k == 3
            x = acq.data + "text"
          end
          put(acq)
        end, state={k: 0}, name="Bad")
        r = run_chain(chain([AcquisitionAccumulateTriggerGadget(), bad]), f)
        """
        // Gadget Bad comes after the trigger gadget, which passes one bucket: message 1 would fail
        // only as a bucket, so put it first to reach message 3.
        guard case .failure(let e) = s.run(code.replacingOccurrences(of: "[AcquisitionAccumulateTriggerGadget(), bad]", with: "[bad, AcquisitionAccumulateTriggerGadget()]"), name: "chain") else {
            return XCTFail("expected the gadget to fail")
        }
        let text = s.render(e)
        XCTAssertTrue(text.contains("chain:4:18: error: gadget 'Bad' at message 3: unsupported operand types for '+'"), text)
        if case .failure(let e) = s.run("print(keep)", name: "after") { return XCTFail(s.render(e)) }
        XCTAssertTrue(printed.hasSuffix("42\n"), printed)
    }

    /// A file gadget is read again at every run: an edit shows without a new session.
    func testEditedGadgetFileIsPickedUpOnTheNextRun() throws {
        let dir = try makeTemporaryDirectory(self, "gadget-file")
        let file = dir.appendingPathComponent("tagger.mrs")
        try "Tagger = gadget(fn(self, m, put) put(m * 2) end)\n".write(to: file, atomically: true, encoding: .utf8)
        let s = Session()
        var printed = ""
        s.interp.output = { printed += $0 }
        let code = "print(run_chain(chain([gadget(\"\(file.path)\", name=\"Tagger\")]), [1, 2]).output)"
        if case .failure(let e) = s.run(code, name: "first") { return XCTFail(s.render(e)) }
        try "Tagger = gadget(fn(self, m, put) put(m * 3) end)\n".write(to: file, atomically: true, encoding: .utf8)
        if case .failure(let e) = s.run(code, name: "second") { return XCTFail(s.render(e)) }
        XCTAssertEqual(printed, "[2, 4]\n[3, 6]\n")
    }

    /// Gadgetron XML: a Python gadget resolved to an mrs file beside the configuration, built-in
    /// classes with properties, notes for ignored properties; errors for unknown classes and
    /// missing stand-ins.
    func testXMLConfigurationsRunOffline() throws {
        let dir = try makeTemporaryDirectory(self, "gadget-xml")
        try "fn p(self, acq, put)\n  self.n = self.n + 1\n  put(acq)\nend\nCounter = gadget(p, state={n: 0})\n"
            .write(to: dir.appendingPathComponent("counting.mrs"), atomically: true, encoding: .utf8)
        let xml = """
        <gadgetronStreamConfiguration>
          <gadget><name>Count</name><dll>gadgetron_python</dll><classname>PythonGadget</classname>
            <property><name>python_module</name><value>counting</value></property>
            <property><name>python_class</name><value>Counter</value></property></gadget>
          <gadget><name>AccTrig</name><classname>AcquisitionAccumulateTriggerGadget</classname>
            <property><name>trigger_dimension</name><value>repetition</value></property>
            <property><name>verbose</name><value>true</value></property></gadget>
          <gadget><name>Buff</name><classname>BucketToBufferGadget</classname></gadget>
          <gadget><name>Recon</name><classname>SimpleReconGadget</classname></gadget>
        </gadgetronStreamConfiguration>
        """
        try xml.write(to: dir.appendingPathComponent("c.xml"), atomically: true, encoding: .utf8)
        try xml.replacingOccurrences(of: "SimpleReconGadget", with: "NoSuchGadget").write(to: dir.appendingPathComponent("unknown.xml"), atomically: true, encoding: .utf8)
        try xml.replacingOccurrences(of: "<value>counting</value>", with: "<value>missing</value>").write(to: dir.appendingPathComponent("missing.xml"), atomically: true, encoding: .utf8)
        let out = try run("""
        f = ismrmrd(dir + "/datasets/cart_r2_embedded.h5")
        r = run_chain(chain("\(dir.path)/c.xml"), f)
        print(r.states.Count.n == len(f), len(r.output), shape(r.output[0].data))   # one image array per repetition, slices along SLC
        print(r.notes)
        """)
        XCTAssertEqual(out.first { !$0.hasPrefix("note:") }, "true 2 [128, 64, 1, 1, 1, 1, 4]")
        XCTAssertTrue(out.contains { $0.contains("AcquisitionAccumulateTriggerGadget 'AccTrig': ignoring property verbose") }, "\(out)")
        let unknown = SessionRunner.error(of: "chain(\"\(dir.path)/unknown.xml\")")
        XCTAssertTrue(unknown.contains("unknown.xml:9: no built-in gadget 'NoSuchGadget'; the built-in gadgets are AcquisitionAccumulateTriggerGadget, "), unknown)
        let missing = SessionRunner.error(of: "chain(\"\(dir.path)/missing.xml\")")
        XCTAssertTrue(missing.contains("Python gadget 'Count' (module missing, class Counter) needs an mrs stand-in"), missing)
    }

    /// `mrs chain CONFIG DATA -o OUT` writes the images and prints the table; a failing chain
    /// exits non-zero.
    func testChainCommand() throws {
        let w = try LessonTests.prepareWorkdir()
        let out = try makeTemporaryDirectory(self, "mrs-chain").appendingPathComponent("out.h5")
        let r = try TestSupport.mrs(["chain", "lessons/gadgets/default.xml", "datasets/cart_r2_embedded.h5", "-o", out.path], cwd: w)
        XCTAssertEqual(r.status, 0, r.stderr)
        let written = r.stdout.components(separatedBy: "wrote ").dropFirst().first?.split(separator: " ").first.map(String.init) ?? ""
        XCTAssertTrue(r.stdout.contains("wrote \(written) in image_0 to \(out.path)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("SimpleReconGadget"), r.stdout)
        let py = try runPython("import sys, ismrmrd\nd = ismrmrd.Dataset(sys.argv[1], 'dataset', create_if_needed=False)\nprint(d.number_of_images('image_0'), d.read_image('image_0', 0).image_type)", [out.path])
        XCTAssertEqual(py.trimmingCharacters(in: .whitespacesAndNewlines), "\(written) 1", "every image, magnitude")
        let bad = try TestSupport.mrs(["chain", "lessons/gadgets/nothing.xml", "datasets/cart_r2_embedded.h5"], cwd: w)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("cannot read the configuration lessons/gadgets/nothing.xml"), bad.stderr)
        let usage = try TestSupport.mrs(["chain", "only.xml"], cwd: w)
        XCTAssertNotEqual(usage.status, 0)
        XCTAssertTrue(usage.stderr.contains("usage: mrs chain"), usage.stderr)
    }
}

import ISMRMRD
import PeerTestSupport
import XCTest

final class XMLTests: XCTestCase {
    func testParsesElementsAttributesTextAndSpecialNodes() throws {
        let text = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- leading comment -->
        <!DOCTYPE root [ <!ELEMENT root ANY> ]>
        <root a="1" b='two &amp; "three"'>
          <empty/>
          <text>x &lt; y &gt; z &#65;&#x42; &apos;q&quot;</text>
          <code><![CDATA[if (a < b && c) { }]]></code>
          <?render fast?>
          <!-- inner -->
          <nested><deep k="v">é</deep></nested>
        </root>
        <!-- trailing -->
        """
        let doc = try XMLReader.parse(text)
        XCTAssertEqual(doc.prolog.count, 2)
        XCTAssertEqual(doc.prolog[0], .processingInstruction(target: "xml", data: "version=\"1.0\" encoding=\"UTF-8\""))
        XCTAssertEqual(doc.prolog[1], .comment(" leading comment "))
        XCTAssertEqual(doc.epilog, [.comment(" trailing ")])
        let root = doc.root
        XCTAssertEqual(root.name, "root")
        XCTAssertEqual(root.attributes, [MarkupAttribute("a", "1"), MarkupAttribute("b", "two & \"three\"")])
        XCTAssertEqual(root.elements.map(\.name), ["empty", "text", "code", "nested"])
        XCTAssertEqual(root.elements(named: "empty").first?.children, [])
        XCTAssertEqual(root.elements(named: "text").first?.text, "x < y > z AB 'q\"")
        XCTAssertEqual(root.elements(named: "code").first?.children, [.cdata("if (a < b && c) { }")])
        XCTAssertTrue(root.children.contains(.processingInstruction(target: "render", data: "fast")))
        XCTAssertTrue(root.children.contains(.comment(" inner ")))
        let deep = root.elements(named: "nested").first?.elements.first
        XCTAssertEqual(deep?.attribute("k"), "v")
        XCTAssertEqual(deep?.text, "é")
        XCTAssertEqual(deep?.line, 10)
    }

    private func expectError(_ text: String, line: Int, column: Int? = nil, _ fragment: String, file: StaticString = #filePath, l: UInt = #line) {
        XCTAssertThrowsError(try XMLReader.parse(text), file: file, line: l) { error in
            guard let e = error as? XMLError else { return XCTFail("not an XMLError: \(error)", file: file, line: l) }
            XCTAssertEqual(e.line, line, "\(e)", file: file, line: l)
            if let column = column { XCTAssertEqual(e.column, column, "\(e)", file: file, line: l) }
            XCTAssertTrue(e.description.contains(fragment), "'\(e)' lacks '\(fragment)'", file: file, line: l)
            XCTAssertTrue(e.description.hasPrefix("XML line \(line), column "), "\(e)", file: file, line: l)
        }
    }

    func testMalformedXMLErrorsCarryLineAndColumn() {
        // libxml2 reports where it noticed the problem; the common mistakes are put in our words.
        expectError("<a>\n  <b>\n  </c>\n</a>", line: 3, "</c> does not match <b> opened on line 2")
        expectError("<a>\n  <b>text", line: 2, "the end of the document came before </b>")
        expectError("<a>\n\n x &nbsp; y</a>", line: 3, "unknown entity '&nbsp;'")
        expectError("<a>AT&T</a>", line: 1, "'&' must start an entity")
        expectError("<a x=\"1\" x=\"2\"/>", line: 1, "the attribute 'x' appears twice")
        expectError("<a/>\n<b/>", line: 2, "after the root element was closed")
        expectError("   \n  ", line: 2, "the document has no root element")
        expectError("hello", line: 1, "the document has no root element")
        expectError("<a x=\"<\"/>", line: 1, "'<' not allowed in attributes values")
        expectError("<a>\n<!-- never closed\n</a>", line: 3, "Comment not terminated")
        expectError("<a x=1/>", line: 1, "AttValue: \" or ' expected")
        expectError("<a><![CDATA[ open </a>", line: 1, "CData section not finished")
        expectError("<a>&#xD800;</a>", line: 1, "invalid xmlChar value 55296")
        expectError("<a b=\"1\"c=\"2\"/>", line: 1, "attributes construct error")
    }

    /// The reference library ignores namespaces, so an undeclared prefix is no reason to refuse.
    func testUndeclaredNamespacePrefixesAreKept() throws {
        let doc = try XMLReader.parse("<ismrmrdHeader xsi:schemaLocation=\"x\">\n  <v:version>2</v:version>\n</ismrmrdHeader>")
        XCTAssertEqual(doc.root.attributes, [MarkupAttribute("xsi:schemaLocation", "x")])
        XCTAssertEqual(doc.root.elements.map(\.name), ["v:version"])
        XCTAssertEqual(doc.root.elements.first?.localName, "version")
        XCTAssertEqual(doc.root.elements.first?.line, 2)
    }

    /// Headers come from files anyone may have written: no file or network access through
    /// entities, no exponential expansion, no crash on deep nesting; each is a clear error.
    func testHostileDocumentsAreRefused() throws {
        let secret = try makeTemporaryDirectory(self, "xml").appendingPathComponent("secret.txt")
        try "TOP SECRET".write(to: secret, atomically: true, encoding: .utf8)
        expectError("<!DOCTYPE a [<!ENTITY x SYSTEM \"file://\(secret.path)\">]>\n<a>&x;</a>", line: 2, "is declared in a DTD")
        expectError("<!DOCTYPE a [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]>\n<a>&x;</a>", line: 2, "is declared in a DTD")
        expectError("<!DOCTYPE a [<!ENTITY x \"hi\">]>\n<a q=\"&x;\"/>", line: 2, "is declared in a DTD")
        var laughs = "<!DOCTYPE a [\n<!ENTITY l0 \"ha\">\n"
        for k in 1...12 { laughs += "<!ENTITY l\(k) \"" + String(repeating: "&l\(k - 1);", count: 10) + "\">\n" }
        laughs += "]>\n<a>&l12;</a>"
        XCTAssertThrowsError(try XMLReader.parse(laughs)) { XCTAssertTrue("\($0)".contains("entit"), "\($0)") }
        let big = String(repeating: "x", count: 1 << 20)
        let quadratic = "<!DOCTYPE a [<!ENTITY b \"\(big)\">]>\n<a>" + String(repeating: "&b;", count: 2000) + "</a>"
        XCTAssertThrowsError(try XMLReader.parse(quadratic)) { XCTAssertTrue("\($0)".contains("entit"), "\($0)") }
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        XCTAssertThrowsError(try XMLReader.parse(deep)) { XCTAssertTrue("\($0)".contains("depth"), "\($0)") }
        // An external DTD is not fetched (it would be an error: the secret is not a DTD).
        XCTAssertEqual(try XMLReader.parse("<!DOCTYPE a SYSTEM \"file://\(secret.path)\">\n<a>t</a>").root.text, "t")
    }

    /// Removes whitespace-only text, which the writer replaces by its own indentation.
    private func stripped(_ e: MarkupElement) -> MarkupElement {
        var out = e
        out.children = e.children.compactMap { node in
            switch node {
            case .text(let t) where t.allSatisfy(\.isWhitespace): return nil
            case .element(let child): return .element(stripped(child))
            default: return node
            }
        }
        return out
    }

    func testWriterRoundTripsAndEscapes() throws {
        let root = MarkupElement("root", attributes: [MarkupAttribute("q", "a \"quoted\" <&> value\nnext")], children: [
            .comment(" c "),
            .element(MarkupElement("t", text: "1 < 2 & 3 > 2")),
            .element(MarkupElement("mixed", children: [.text("before "), .element(MarkupElement("b", text: "bold")), .text(" after")])),
            .element(MarkupElement("empty")),
            .element(MarkupElement("data", children: [.cdata("x ]]> y")])),
            .processingInstruction(target: "pi", data: "z"),
        ])
        let text = XMLWriter.string(MarkupDocument(root: root))
        XCTAssertTrue(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root q=\"a &quot;quoted&quot; &lt;&amp;&gt; value&#10;next\">"), text)
        XCTAssertTrue(text.contains("\n  <t>1 &lt; 2 &amp; 3 &gt; 2</t>\n"), text)
        XCTAssertTrue(text.contains("<mixed>before <b>bold</b> after</mixed>"), text)
        XCTAssertTrue(text.contains("<empty/>"), text)
        let back = try XMLReader.parse(text)
        XCTAssertEqual(stripped(back.root).attributes, root.attributes)
        XCTAssertEqual(stripped(back.root).elements(named: "mixed"), root.elements(named: "mixed"))
        XCTAssertEqual(back.root.elements(named: "data").first?.text, "x ]]> y")
        let once = XMLWriter.string(back)
        XCTAssertEqual(XMLWriter.string(try XMLReader.parse(once)), once, "writing is stable")
    }
}

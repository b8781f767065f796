import CXML2

/// Parses XML with libxml2 into a `MarkupDocument`: elements (with the line of their start tag),
/// attributes, text, CDATA, comments and processing instructions; a DOCTYPE is skipped.
/// Malformed input throws `XMLError` with libxml2's line and column. Entity references other than
/// the five predefined ones and character references are refused, so a header can neither read a
/// file (XXE) nor expand into gigabytes (billion laughs).
public enum XMLReader {
    /// Parses a whole document.
    public static func parse(_ text: String) throws -> MarkupDocument {
        let parsed = try LibXMLDocument(parsing: text)
        var prolog: [MarkupNode] = [], epilog: [MarkupNode] = []
        if let declaration = declaration(parsed.doc, text) { prolog.append(declaration) }
        var root: MarkupElement?
        var child = parsed.doc.pointee.children
        while let node = child {
            child = node.pointee.next
            if node.pointee.type == XML_ELEMENT_NODE {
                root = try element(node)
            } else if let converted = try markup(node) {
                if root == nil { prolog.append(converted) } else { epilog.append(converted) }
            }
        }
        guard let root else { throw XMLError(line: 1, column: 1, "the document has no root element") }
        return MarkupDocument(root: root, prolog: prolog, epilog: epilog)
    }

    /// libxml2 keeps the XML declaration as document properties; it is given back as the
    /// `<?xml …?>` instruction it was written as.
    private static func declaration(_ doc: xmlDocPtr, _ text: String) -> MarkupNode? {
        let start = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        guard start.hasPrefix("<?xml"), let version = doc.pointee.version else { return nil }
        var data = "version=\"\(String(cString: version))\""
        if let encoding = doc.pointee.encoding { data += " encoding=\"\(String(cString: encoding))\"" }
        if doc.pointee.standalone == 1 { data += " standalone=\"yes\"" } else if doc.pointee.standalone == 0 { data += " standalone=\"no\"" }
        return .processingInstruction(target: "xml", data: data)
    }

    /// A qualified name: `prefix:local` when the node has a namespace prefix.
    static func qualifiedName(_ name: UnsafePointer<xmlChar>?, _ ns: xmlNsPtr?) -> String {
        let local = name.map { String(cString: $0) } ?? ""
        guard let prefix = ns?.pointee.prefix else { return local }
        return String(cString: prefix) + ":" + local
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String { p.map { String(cString: $0) } ?? "" }

    private static func line(_ node: xmlNodePtr) -> Int { Swift.max(Int(xmlGetLineNo(node)), 0) }

    private static func element(_ node: xmlNodePtr) throws -> MarkupElement {
        var e = MarkupElement(qualifiedName(node.pointee.name, node.pointee.ns), line: line(node))
        // Namespace declarations first, as attributes (libxml2 keeps them apart), then attributes.
        var ns = node.pointee.nsDef
        while let n = ns {
            let name = n.pointee.prefix.map { "xmlns:" + String(cString: $0) } ?? "xmlns"
            e.attributes.append(MarkupAttribute(name, string(n.pointee.href)))
            ns = n.pointee.next
        }
        var attribute = node.pointee.properties
        while let a = attribute {
            var value = ""
            var part = a.pointee.children
            while let p = part {
                if p.pointee.type == XML_ENTITY_REF_NODE { throw entityError(p) }
                value += string(p.pointee.content)
                part = p.pointee.next
            }
            e.attributes.append(MarkupAttribute(qualifiedName(a.pointee.name, a.pointee.ns), value))
            attribute = a.pointee.next
        }
        var child = node.pointee.children
        while let c = child {
            child = c.pointee.next
            if c.pointee.type == XML_ELEMENT_NODE {
                e.children.append(.element(try element(c)))
            } else if let converted = try markup(c) {
                e.children.append(converted)
            }
        }
        return e
    }

    /// Text, CDATA, comments and instructions; nil for what a header never needs (DTD nodes).
    private static func markup(_ node: xmlNodePtr) throws -> MarkupNode? {
        switch node.pointee.type {
        case XML_TEXT_NODE: return .text(string(node.pointee.content))
        case XML_CDATA_SECTION_NODE: return .cdata(string(node.pointee.content))
        case XML_COMMENT_NODE: return .comment(string(node.pointee.content))
        case XML_PI_NODE: return .processingInstruction(target: string(node.pointee.name), data: string(node.pointee.content))
        case XML_ENTITY_REF_NODE: throw entityError(node)
        default: return nil
        }
    }

    private static func entityError(_ node: xmlNodePtr) -> XMLError {
        XMLError(line: line(node.pointee.parent ?? node), column: 0,
                 "the entity '&\(string(node.pointee.name));' is declared in a DTD; only &lt; &gt; &amp; &quot; &apos; and character references are allowed")
    }
}

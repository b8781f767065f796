import CXML2

/// Writes markup trees as XML text through libxml2's formatting serialiser: the declaration
/// `<?xml version="1.0" encoding="UTF-8"?>`, elements indented two spaces per depth, text-only
/// elements on one line, and elements holding text beside child elements written as they are (so
/// no text changes). Whitespace-only text between child elements is replaced by the indentation,
/// which makes the output the same for a header however it was laid out when read.
public enum XMLWriter {
    /// The whole document (an `<?xml …?>` instruction in the prolog is replaced by libxml2's own).
    public static func string(_ document: MarkupDocument) -> String {
        guard let doc = xmlNewDoc("1.0") else { return "" }
        defer { xmlFreeDoc(doc) }
        let top = UnsafeMutableRawPointer(doc).assumingMemoryBound(to: xmlNode.self)
        for node in document.prolog {
            if case .processingInstruction("xml", _) = node { continue }
            add(node, to: top, doc: doc)
        }
        add(.element(document.root), to: top, doc: doc)
        for node in document.epilog { add(node, to: top, doc: doc) }
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpFormatMemoryEnc(doc, &buffer, &size, "UTF-8", 1)
        guard let buffer else { return "" }
        defer { mrs_xml_free(buffer) }
        return String(decoding: UnsafeBufferPointer(start: buffer, count: Int(size)), as: UTF8.self)
    }

    private static func add(_ node: MarkupNode, to parent: xmlNodePtr, doc: xmlDocPtr) {
        let made: xmlNodePtr?
        switch node {
        case .text(let t): made = xmlNewDocText(doc, t)
        case .cdata(let t): made = xmlNewCDataBlock(doc, t, Int32(clamping: t.utf8.count))
        case .comment(let t): made = xmlNewDocComment(doc, t)
        case .processingInstruction(let target, let data): made = xmlNewDocPI(doc, target, data.isEmpty ? nil : data)
        case .element(let e):
            made = xmlNewDocNode(doc, nil, e.name, nil)
            if let made {
                for a in e.attributes { xmlNewProp(made, a.name, a.value) }
                // libxml2 indents only elements without text children; ignorable whitespace
                // between child elements is dropped so that it does.
                let structural = e.children.allSatisfy { child in
                    switch child {
                    case .element, .comment, .processingInstruction: return true
                    case .text(let t): return t.allSatisfy(\.isWhitespace)
                    case .cdata: return false
                    }
                }
                for child in e.children {
                    if structural, case .text = child { continue }
                    add(child, to: made, doc: doc)
                }
            }
        }
        if let made { xmlAddChild(parent, made) }
    }
}

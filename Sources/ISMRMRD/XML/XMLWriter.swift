/// Writes markup trees as XML text: an XML declaration, elements indented one level per depth,
/// text-only elements on one line, and mixed content written as it is (so no text changes).
public enum XMLWriter {
    /// The whole document, starting with `<?xml version="1.0" encoding="UTF-8"?>` unless the prolog
    /// already has a declaration.
    public static func string(_ document: MarkupDocument, indent: String = "  ") -> String {
        var out = ""
        let hasDeclaration = document.prolog.contains { if case .processingInstruction("xml", _) = $0 { return true } else { return false } }
        if !hasDeclaration { out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" }
        for node in document.prolog { write(node, depth: 0, indent: indent, into: &out); out += "\n" }
        write(.element(document.root), depth: 0, indent: indent, into: &out)
        out += "\n"
        for node in document.epilog { write(node, depth: 0, indent: indent, into: &out); out += "\n" }
        return out
    }

    /// One element and its content (no declaration).
    public static func string(_ element: MarkupElement, indent: String = "  ") -> String {
        var out = ""
        write(.element(element), depth: 0, indent: indent, into: &out)
        return out
    }

    private static func write(_ node: MarkupNode, depth: Int, indent: String, into out: inout String) {
        switch node {
        case .text(let t): out += escape(t, attribute: false)
        case .cdata(let t): out += "<![CDATA[" + t.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") + "]]>"
        case .comment(let t): out += "<!--" + t + "-->"
        case .processingInstruction(let target, let data): out += "<?" + target + (data.isEmpty ? "" : " " + data) + "?>"
        case .element(let e):
            out += "<" + e.name
            for a in e.attributes { out += " \(a.name)=\"\(escape(a.value, attribute: true))\"" }
            if e.children.isEmpty { out += "/>"; return }
            out += ">"
            let structural = e.children.allSatisfy { child in
                switch child {
                case .element, .comment, .processingInstruction: return true
                case .text(let t): return t.allSatisfy(\.isWhitespace)
                case .cdata: return false
                }
            }
            if structural {
                // Only elements (and ignorable whitespace): one child per line, indented.
                let pad = String(repeating: indent, count: depth + 1)
                for child in e.children {
                    if case .text = child { continue }
                    out += "\n" + pad
                    write(child, depth: depth + 1, indent: indent, into: &out)
                }
                out += "\n" + String(repeating: indent, count: depth)
            } else {
                for child in e.children { write(child, depth: depth + 1, indent: indent, into: &out) }
            }
            out += "</" + e.name + ">"
        }
    }

    /// Escapes `&`, `<`, `>` (and in attributes `"` and line breaks) as entities.
    public static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

import CXML2
import Foundation

/// One problem libxml2 reported: where, how serious, its code and the node it concerns (schema
/// validation names the element; parsing names none).
struct LibXMLIssue {
    let line: Int
    let column: Int
    let code: Int32
    let fatal: Bool
    let message: String
    let str1: String?
    let str2: String?
    let int1: Int
    /// The element the problem concerns (only while the document it belongs to is alive).
    let node: xmlNodePtr?

    init(_ e: xmlError) {
        line = Int(e.line)
        column = Int(e.int2)
        code = Int32(e.code)
        // Undeclared namespace prefixes are errors to libxml2 but harmless in a header (the
        // reference library ignores namespaces): the element keeps its prefixed name.
        fatal = e.level.rawValue >= XML_ERR_ERROR.rawValue && e.domain != Int32(XML_FROM_NAMESPACE.rawValue)
        // libxml2 may add the offending source text on further lines; the first says what is wrong.
        let text = e.message.map { String(cString: $0) } ?? ""
        let first = text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        message = first.isEmpty ? "unknown libxml2 error \(e.code)" : first
        str1 = e.str1.map { String(cString: $0) }
        str2 = e.str2.map { String(cString: $0) }
        int1 = Int(e.int1)
        node = e.node?.assumingMemoryBound(to: xmlNode.self)
    }
}

/// Collects libxml2's structured errors for one parse or validation (no global handler, so
/// parses on different threads do not mix their errors and nothing is printed to stderr).
final class LibXMLIssues {
    var all: [LibXMLIssue] = []

    /// The C callback: `context` is this object, unretained.
    static let collect: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        Unmanaged<LibXMLIssues>.fromOpaque(context).takeUnretainedValue().all.append(LibXMLIssue(error.pointee))
    }

    /// The parser's callback receives the parser context; its `_private` is this object.
    static let collectFromParser: xmlStructuredErrorFunc = { context, error in
        guard let ctxt = context?.assumingMemoryBound(to: xmlParserCtxt.self), let me = ctxt.pointee._private else { return }
        collect(me, error)
    }
}

/// A libxml2 document parsed from text, freed with this object.
///
/// Parsing is safe for untrusted headers: no network (`XML_PARSE_NONET`), no external DTD or
/// entity loading and no entity substitution (so no XXE, and no billion-laughs expansion: entity
/// references other than the predefined ones are refused by `XMLReader`), line numbers kept
/// beyond 65535 (`XML_PARSE_BIG_LINES`).
final class LibXMLDocument {
    let doc: xmlDocPtr

    /// libxml2 must be initialised once before it is used from several threads.
    private static let initialised: Bool = { xmlInitParser(); return true }()

    /// Parses `text`; malformed XML throws `XMLError` with libxml2's first error.
    init(parsing text: String) throws {
        _ = LibXMLDocument.initialised
        guard let ctxt = xmlNewParserCtxt() else { throw XMLError(line: 0, column: 0, "libxml2 could not allocate a parser") }
        defer { xmlFreeParserCtxt(ctxt) }
        let issues = LibXMLIssues()
        ctxt.pointee.sax.pointee.serror = LibXMLIssues.collectFromParser
        ctxt.pointee._private = Unmanaged.passUnretained(issues).toOpaque()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)
        // Swift strings are UTF-8 whatever the declaration says, so libxml2 is told so.
        let bytes = Array(text.utf8)
        guard bytes.count < Int(Int32.max) else { throw XMLError(line: 0, column: 0, "the document is larger than 2 GB") }
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    xmlCtxtReadMemory(ctxt, $0, Int32(bytes.count), nil, "UTF-8", options)
                }
            } ?? nil
        }
        // Errors (not warnings) make the document unusable even when libxml2 recovered a tree.
        if let first = issues.all.first(where: \.fatal) ?? (parsed == nil ? issues.all.first : nil) {
            if let parsed { xmlFreeDoc(parsed) }
            throw XMLError(first)
        }
        guard let parsed else {
            throw XMLError(line: 1, column: 1, bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) ? "the document has no root element" : "libxml2 could not parse the document")
        }
        doc = parsed
    }

    deinit { xmlFreeDoc(doc) }

    /// The root element.
    var root: xmlNodePtr? { xmlDocGetRootElement(doc) }
}

extension XMLError {
    /// libxml2's error in our words where we have them (the common mistakes in hand-edited
    /// headers), libxml2's own message otherwise.
    init(_ issue: LibXMLIssue) {
        let message: String
        switch Int(issue.code) {
        case Int(XML_ERR_TAG_NAME_MISMATCH.rawValue):
            message = "</\(issue.str2 ?? "?")> does not match <\(issue.str1 ?? "?")> opened on line \(issue.int1)"
        case Int(XML_ERR_TAG_NOT_FINISHED.rawValue):
            message = "the end of the document came before </\(issue.str1 ?? "?")> closing <\(issue.str1 ?? "?")> from line \(issue.int1)"
        case Int(XML_ERR_UNDECLARED_ENTITY.rawValue), Int(XML_WAR_UNDECLARED_ENTITY.rawValue):
            message = "unknown entity '&\(issue.str1 ?? "?");' (only &lt; &gt; &amp; &quot; &apos; and character references are defined)"
        case Int(XML_ERR_ENTITYREF_SEMICOL_MISSING.rawValue),
             Int(XML_ERR_NAME_REQUIRED.rawValue) where issue.message.contains("EntityRef"):
            message = "'&' must start an entity such as &amp; (write &amp; for a literal '&')"
        case Int(XML_ERR_DOCUMENT_EMPTY.rawValue):
            message = "the document has no root element"
        case Int(XML_ERR_DOCUMENT_END.rawValue):
            message = "unexpected content after the root element was closed"
        case Int(XML_ERR_ATTRIBUTE_REDEFINED.rawValue):
            message = "the attribute '\(issue.str1 ?? "?")' appears twice"
        case Int(XML_ERR_ENTITY_LOOP.rawValue):
            message = "entity expansion refused (\(issue.message))"
        default:
            message = issue.message
        }
        self.init(line: issue.line, column: issue.column, message)
    }
}

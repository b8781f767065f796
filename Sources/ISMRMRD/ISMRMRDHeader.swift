import Foundation

/// Converts the ISMRMRD XML header to and from `HeaderValue`, using the schema's facts: elements
/// that may repeat are always lists, numbers get their XSD type (ints for long/unsignedShort,
/// doubles for float/double), strings, dates and enumerations stay strings, absent elements are
/// absent. Elements the schema does not know (vendor additions) are kept: records when they have
/// child elements, strings otherwise, lists when they repeat.
public enum ISMRMRDHeader {
    /// Parses XML header text into a record of the `<ismrmrdHeader>` content.
    public static func parse(_ xml: String) throws -> HeaderValue {
        let document = try XMLReader.parse(xml)
        return try value(of: document.root)
    }

    /// Converts a parsed `<ismrmrdHeader>` element.
    public static func value(of root: MarkupElement) throws -> HeaderValue {
        guard root.localName == ISMRMRDSchema.rootElement else {
            throw ISMRMRDError("ISMRMRD header", "the root element is <\(root.name)>, expected <\(ISMRMRDSchema.rootElement)>")
        }
        return try record(root, type: ISMRMRDSchema.rootElement, path: "")
    }

    /// XML text for a header record, elements in the record's order, under an `<ismrmrdHeader>`
    /// root in the ISMRMRD namespace (as the reference library writes it).
    public static func xml(_ header: HeaderValue) throws -> String {
        guard case .record(let fields) = header else {
            throw ISMRMRDError("ISMRMRD header", "expected a record of header elements, got \(header)")
        }
        var root = MarkupElement(ISMRMRDSchema.rootElement, attributes: [
            MarkupAttribute("xmlns", ISMRMRDSchema.namespace),
            MarkupAttribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            MarkupAttribute("xmlns:xs", "http://www.w3.org/2001/XMLSchema"),
            MarkupAttribute("xsi:schemaLocation", "\(ISMRMRDSchema.namespace) ismrmrd.xsd"),
        ])
        for field in ISMRMRDSchema.inSchemaOrder(fields, of: ISMRMRDSchema.rootElement) {
            let spec = ISMRMRDSchema.element(field.name, in: ISMRMRDSchema.rootElement)
            root.children += try elements(field.name, field.value, spec: spec, path: field.name).map(MarkupNode.element)
        }
        return XMLWriter.string(MarkupDocument(root: root))
    }

    // MARK: - XML → HeaderValue

    private static func record(_ element: MarkupElement, type: String?, path: String) throws -> HeaderValue {
        for node in element.children {
            if case .text(let t) = node, !t.allSatisfy(\.isWhitespace) {
                throw problem(path, line: element.line, "holds text '\(t.trimmingCharacters(in: .whitespacesAndNewlines))' where child elements are expected")
            }
        }
        // Group children by name, keeping the position of each name's first occurrence.
        var order: [String] = []
        var groups: [String: [MarkupElement]] = [:]
        for child in element.elements {
            let name = child.localName
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].append(child)
        }
        var fields: [HeaderValue.Field] = []
        for name in order {
            let children = groups[name] ?? []
            let spec = ISMRMRDSchema.element(name, in: type)
            let childPath = path.isEmpty ? name : "\(path).\(name)"
            if spec?.repeated == true || (spec == nil && children.count > 1) {
                var items: [HeaderValue] = []
                for (k, child) in children.enumerated() {
                    items.append(try value(child, spec: spec, path: "\(childPath)[\(k)]"))
                }
                fields.append(HeaderValue.Field(name, .list(items)))
            } else {
                if children.count > 1 {
                    throw problem(childPath, line: children[1].line, "appears \(children.count) times, but the ISMRMRD schema allows one")
                }
                fields.append(HeaderValue.Field(name, try value(children[0], spec: spec, path: childPath)))
            }
        }
        return .record(fields)
    }

    private static func value(_ element: MarkupElement, spec: ISMRMRDSchema.Element?, path: String) throws -> HeaderValue {
        guard let spec = spec else {
            return element.elements.isEmpty ? .string(element.text) : try record(element, type: nil, path: path)
        }
        if case .record(let type) = spec.kind { return try record(element, type: type, path: path) }
        if !element.elements.isEmpty {
            throw problem(path, line: element.line, "has child elements, but the ISMRMRD schema expects a single value")
        }
        let text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch spec.kind {
        case .integer(let range):
            guard let i = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) else {
                throw problem(path, line: element.line, "expected an integer, got '\(text)'")
            }
            guard range.contains(i) else {
                throw problem(path, line: element.line, "\(i) is outside the allowed range \(range.lowerBound)…\(range.upperBound)")
            }
            return .int(i)
        case .decimal:
            guard let d = parseDecimal(text) else { throw problem(path, line: element.line, "expected a number, got '\(text)'") }
            return .double(d)
        case .text, .record:
            return .string(element.text)
        }
    }

    /// XSD float/double lexical forms, including `INF`, `-INF` and `NaN`.
    private static func parseDecimal(_ text: String) -> Double? {
        switch text {
        case "INF", "+INF": return .infinity
        case "-INF": return -.infinity
        case "NaN": return .nan
        default:
            guard !text.isEmpty, text.allSatisfy({ "0123456789+-.eE".contains($0) }) else { return nil }
            return Double(text)
        }
    }

    private static func problem(_ path: String, line: Int, _ message: String) -> ISMRMRDError {
        ISMRMRDError("ISMRMRD header", "\(path.isEmpty ? "<ismrmrdHeader>" : path) (line \(line)): \(message)")
    }

    // MARK: - HeaderValue → XML

    private static func elements(_ name: String, _ value: HeaderValue, spec: ISMRMRDSchema.Element?, path: String) throws -> [MarkupElement] {
        if case .list(let items) = value {
            if let spec = spec, !spec.repeated {
                throw ISMRMRDError("ISMRMRD header", "\(path) is a list of \(items.count), but the ISMRMRD schema allows one <\(name)>")
            }
            return try items.enumerated().map { k, item in
                if case .list = item { throw ISMRMRDError("ISMRMRD header", "\(path)[\(k)] is a list inside a list") }
                return try element(name, item, spec: spec, path: "\(path)[\(k)]")
            }
        }
        return [try element(name, value, spec: spec, path: path)]
    }

    private static func element(_ name: String, _ value: HeaderValue, spec: ISMRMRDSchema.Element?, path: String) throws -> MarkupElement {
        func fail(_ message: String) -> ISMRMRDError { ISMRMRDError("ISMRMRD header", "\(path) \(message)") }
        if case .record(let fields) = value {
            var type: String? = nil
            if let spec = spec {
                guard case .record(let t) = spec.kind else { throw fail("must be a single value, got a record") }
                type = t
            }
            var e = MarkupElement(name)
            for field in ISMRMRDSchema.inSchemaOrder(fields, of: type) {
                let childSpec = ISMRMRDSchema.element(field.name, in: type)
                e.children += try elements(field.name, field.value, spec: childSpec, path: "\(path).\(field.name)").map(MarkupNode.element)
            }
            return e
        }
        let text: String
        switch (spec?.kind, value) {
        case (.record?, _):
            throw fail("must be a record of child elements, got \(value)")
        case (.integer(let range)?, .int(let i)):
            guard range.contains(i) else { throw fail("\(i) is outside the allowed range \(range.lowerBound)…\(range.upperBound)") }
            text = String(i)
        case (.integer(let range)?, .double(let d)):
            guard d.rounded() == d, let i = Int(exactly: d), range.contains(i) else { throw fail("must be an integer in \(range.lowerBound)…\(range.upperBound), got \(HeaderValue.format(d))") }
            text = String(i)
        case (.integer?, .string(let s)), (.decimal?, .string(let s)):
            throw fail("must be a number, got the string \"\(s)\"")
        case (_, .int(let i)): text = String(i)
        case (_, .double(let d)): text = decimalText(d)
        case (_, .string(let s)): text = s
        case (_, .list), (_, .record): throw fail("cannot be written as an element value")
        }
        return MarkupElement(name, text: text)
    }

    /// XSD lexical form of a double.
    private static func decimalText(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-INF" : "INF" }
        return "\(d)"
    }
}

import CXML2
import Foundation

/// One way a header breaks the ISMRMRD schema: the line, the element (as a header path such as
/// `encoding[0].encodedSpace.matrixSize.x`) and libxml2's explanation.
public struct SchemaViolation: Equatable, Sendable, CustomStringConvertible {
    /// 1-based line of the element in the XML text.
    public let line: Int
    /// The element's path in the header (`<ismrmrdHeader>` for the root).
    public let element: String
    /// What is wrong, in libxml2's words with the ISMRMRD namespace left out.
    public let message: String

    /// A violation at `line` of `element`.
    public init(line: Int, element: String, message: String) {
        self.line = line
        self.element = element
        self.message = message
    }

    public var description: String { "line \(line), \(element): \(message)" }
}

/// The outcome of validating one header.
public struct ISMRMRDValidation: Sendable {
    /// The problems found (empty when the header is valid).
    public let violations: [SchemaViolation]
    /// The schema file used.
    public let schemaPath: String
    /// mrs extensions the schema does not know, left out before validating (e.g.
    /// `encoding[0].parallelImaging.multiband` against Debian's 1.8 schema).
    public let ignoredExtensions: [String]

    /// Whether the header follows the schema.
    public var isValid: Bool { violations.isEmpty }
}

/// Validates ISMRMRD XML headers against the ISMRMRD XML schema (ismrmrd.xsd) with libxml2.
///
/// The schema is found as `schema:` argument, else `$MRS_ISMRMRD_XSD`, else Debian's
/// ismrmrd-schema package (`/usr/share/ismrmrd/schema/ismrmrd.xsd`). mrs writes one element the
/// 1.8 schema does not have, `parallelImaging.multiband` (simultaneous multi-slice, added to
/// ISMRMRD later): when the schema does not declare it, it is removed before validating and named
/// in `ignoredExtensions`, so the rest of the header is still checked.
public enum ISMRMRDValidator {
    /// Debian's ismrmrd-schema location.
    public static let debianSchemaPath = "/usr/share/ismrmrd/schema/ismrmrd.xsd"
    /// The environment variable that points at another ismrmrd.xsd.
    public static let environmentVariable = "MRS_ISMRMRD_XSD"

    /// The schema file to use: `explicit` (which must exist), else the environment variable
    /// (`none`: no schema), else Debian's path; nil when none exists.
    public static func schemaPath(_ explicit: String? = nil) throws -> String? {
        if let explicit {
            guard FileManager.default.isReadableFile(atPath: explicit) else {
                throw ISMRMRDError(explicit, "the ISMRMRD schema file does not exist or cannot be read")
            }
            return explicit
        }
        if let env = ProcessInfo.processInfo.environment[environmentVariable], !env.isEmpty {
            // `none` turns validation off (headers with vendor or newer elements the schema lacks).
            if env == "none" { return nil }
            guard FileManager.default.isReadableFile(atPath: env) else {
                throw ISMRMRDError(env, "\(environmentVariable) names an ISMRMRD schema file that does not exist or cannot be read")
            }
            return env
        }
        return FileManager.default.isReadableFile(atPath: debianSchemaPath) ? debianSchemaPath : nil
    }

    /// Validates header text against the schema at `schemaPath`. Malformed XML throws `XMLError`;
    /// an unreadable schema throws `ISMRMRDError`.
    public static func validate(xml: String, schemaPath: String) throws -> ISMRMRDValidation {
        let schema = try CompiledSchema.load(schemaPath)
        let parsed = try LibXMLDocument(parsing: xml)
        let ignored = schema.knowsMultiband ? [] : removeMultiband(parsed)
        guard let context = xmlSchemaNewValidCtxt(schema.schema) else {
            throw ISMRMRDError(schemaPath, "libxml2 could not make a schema validation context")
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let issues = LibXMLIssues()
        let me = Unmanaged.passUnretained(issues).toOpaque()
        xmlSchemaSetValidStructuredErrors(context, LibXMLIssues.collect, me)
        let status = xmlSchemaValidateDoc(context, parsed.doc)
        var violations = issues.all.map { issue -> SchemaViolation in
            let line = issue.node.map { Int(xmlGetLineNo($0)) }.flatMap { $0 > 0 ? $0 : nil } ?? issue.line
            return SchemaViolation(line: line, element: issue.node.map(path) ?? "<ismrmrdHeader>", message: tidy(issue.message))
        }
        if status != 0 && violations.isEmpty {
            violations = [SchemaViolation(line: 0, element: "<ismrmrdHeader>", message: "libxml2 could not validate the header (status \(status))")]
        }
        return ISMRMRDValidation(violations: violations, schemaPath: schemaPath, ignoredExtensions: ignored)
    }

    /// Checks a header about to be written to `file`: malformed XML and schema violations are
    /// errors naming every violation. Headers without any `<encoding>` (placeholders such as
    /// `<ismrmrdHeader/>` for files of arrays or images only) are not acquisition headers and are
    /// only checked for well-formedness. Without a schema on this machine the header is written
    /// unvalidated, with one warning per process.
    public static func checkBeforeWriting(_ xml: String, file: String) throws {
        let parsed: MarkupDocument
        do { parsed = try XMLReader.parse(xml) } catch {
            throw ISMRMRDError(file, "refusing to write a malformed XML header: \(error)")
        }
        guard parsed.root.elements.contains(where: { $0.localName == "encoding" }) else { return }
        guard let schema = try schemaPath() else {
            MissingSchemaWarning.once()
            return
        }
        let result = try validate(xml: xml, schemaPath: schema)
        guard result.isValid else {
            let list = result.violations.map { "  \($0)" }.joined(separator: "\n")
            throw ISMRMRDError(file, "refusing to write an XML header that breaks the ISMRMRD schema (\(schema)); nothing was written:\n\(list)")
        }
    }

    // MARK: - Helpers

    /// Removes `encoding/parallelImaging/multiband` elements, returning their header paths.
    private static func removeMultiband(_ parsed: LibXMLDocument) -> [String] {
        var removed: [String] = []
        for encoding in children(of: parsed.root, named: "encoding") {
            for pi in children(of: encoding, named: "parallelImaging") {
                for mb in children(of: pi, named: "multiband") {
                    removed.append(path(mb))
                    xmlUnlinkNode(mb)
                    xmlFreeNode(mb)
                }
            }
        }
        return removed
    }

    private static func children(of node: xmlNodePtr?, named name: String) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = []
        var child = node?.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE, let n = c.pointee.name, String(cString: n) == name { out.append(c) }
            child = c.pointee.next
        }
        return out
    }

    private static func localName(_ node: xmlNodePtr) -> String { node.pointee.name.map { String(cString: $0) } ?? "?" }

    /// The element's header path: names joined by dots below the root, with `[k]` on elements the
    /// schema lets repeat (as `f.header` makes them lists).
    static func path(_ node: xmlNodePtr) -> String {
        var chain: [xmlNodePtr] = []
        var current: xmlNodePtr? = node
        while let n = current, n.pointee.type == XML_ELEMENT_NODE {
            chain.append(n)
            current = n.pointee.parent
        }
        chain.reverse()
        guard chain.count > 1 else { return "<\(chain.first.map(localName) ?? ISMRMRDSchema.rootElement)>" }
        var type: String? = localName(chain[0]) == ISMRMRDSchema.rootElement ? ISMRMRDSchema.rootElement : nil
        var parts: [String] = []
        for n in chain.dropFirst() {
            let name = localName(n)
            let spec = ISMRMRDSchema.element(name, in: type)
            let siblings = children(of: n.pointee.parent, named: name)
            if spec?.repeated == true || siblings.count > 1, let k = siblings.firstIndex(of: n) {
                parts.append("\(name)[\(k)]")
            } else {
                parts.append(name)
            }
            if case .record(let t)? = spec?.kind { type = t } else { type = nil }
        }
        return parts.joined(separator: ".")
    }

    /// libxml2's message without the ISMRMRD namespace braces that make it hard to read.
    private static func tidy(_ message: String) -> String {
        message.replacingOccurrences(of: "{\(ISMRMRDSchema.namespace)}", with: "")
    }
}

/// A parsed schema, kept for the life of the process (parsing ismrmrd.xsd takes milliseconds, a
/// simulation may write many files).
private final class CompiledSchema: @unchecked Sendable {
    let schema: xmlSchemaPtr
    /// Whether the schema declares `multiband` (ISMRMRD after 1.8).
    let knowsMultiband: Bool

    private init(schema: xmlSchemaPtr, knowsMultiband: Bool) {
        self.schema = schema
        self.knowsMultiband = knowsMultiband
    }

    deinit { xmlSchemaFree(schema) }

    nonisolated(unsafe) private static var cache: [String: CompiledSchema] = [:]
    private static let lock = NSLock()

    static func load(_ path: String) throws -> CompiledSchema {
        lock.lock()
        defer { lock.unlock() }
        if let s = cache[path] { return s }
        let text = try? String(contentsOfFile: path, encoding: .utf8)
        guard let text else { throw ISMRMRDError(path, "cannot read the ISMRMRD schema file") }
        guard let parser = xmlSchemaNewParserCtxt(path) else { throw ISMRMRDError(path, "libxml2 could not open the schema") }
        defer { xmlSchemaFreeParserCtxt(parser) }
        let issues = LibXMLIssues()
        xmlSchemaSetParserStructuredErrors(parser, LibXMLIssues.collect, Unmanaged.passUnretained(issues).toOpaque())
        guard let schema = xmlSchemaParse(parser) else {
            let why = issues.all.first.map { "line \($0.line): \($0.message)" } ?? "unknown reason"
            throw ISMRMRDError(path, "is not a usable XML schema (\(why))")
        }
        let compiled = CompiledSchema(schema: schema, knowsMultiband: text.contains("name=\"multiband\""))
        cache[path] = compiled
        return compiled
    }
}

/// The warning that headers go unvalidated, printed once per process.
private enum MissingSchemaWarning {
    nonisolated(unsafe) private static var printed = false
    private static let lock = NSLock()

    static func once() {
        lock.lock()
        defer { lock.unlock() }
        guard !printed else { return }
        printed = true
        FileHandle.standardError.write(Data(("mrs: warning: the ISMRMRD schema was not found (install Debian's ismrmrd-schema or set \(ISMRMRDValidator.environmentVariable)); "
            + "ISMRMRD headers are written without schema validation\n").utf8))
    }
}

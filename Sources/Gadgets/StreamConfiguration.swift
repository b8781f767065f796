import ISMRMRD

/// A Gadgetron stream configuration read from XML: the older `<gadgetronStreamConfiguration>`
/// (readers, writers and gadgets with `classname`/`dll`/`property`) or the newer
/// `<configuration><stream>` form (with `<python>` and `<external>` elements for Python gadgets).
public struct StreamConfiguration {
    /// A Python gadget's module and class (or function), for an mrs gadget to stand in for.
    public struct PythonReference: Equatable {
        /// The module (`python_module`, `<module>`, `<execute name=…>`).
        public var module: String
        /// The class or function in it (`python_class`, `<class>`/`<function>`, `<execute target=…>`).
        public var entry: String

        /// A module and entry name.
        public init(module: String, entry: String) {
            self.module = module
            self.entry = entry
        }
    }

    /// One gadget of the stream.
    public struct Entry {
        /// The instance name (`<name>`), or the class name when absent.
        public var name: String
        /// Gadgetron's class name (`PythonGadget` for Python gadgets).
        public var className: String
        /// The library it came from (`<dll>`), informational.
        public var dll: String
        /// Properties as name/value text, in order.
        public var properties: [(String, String)]
        /// Set for Python gadgets.
        public var python: PythonReference?
        /// The 1-based line of the element.
        public var line: Int
    }

    /// Reader class names (informational: mrs reads ISMRMRD files directly).
    public var readers: [String] = []
    /// Writer class names (images are written by the chain's image writer).
    public var writers: [String] = []
    /// The gadgets in stream order.
    public var gadgets: [Entry] = []

    /// A configuration error: the file, the line and what is wrong.
    public struct ParseError: Error, CustomStringConvertible {
        /// The configuration's path (or a name).
        public let path: String
        /// 1-based line, 0 when unknown.
        public let line: Int
        /// What is wrong.
        public let message: String

        public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
    }

    /// Parses configuration text; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws -> StreamConfiguration {
        let doc: MarkupDocument
        do {
            doc = try XMLReader.parse(text)
        } catch let e as XMLError {
            throw ParseError(path: path, line: e.line, message: "malformed XML (column \(e.column)): \(e.message)")
        }
        var config = StreamConfiguration()
        let root = doc.root
        func fail(_ e: MarkupElement, _ message: String) -> ParseError { ParseError(path: path, line: e.line, message: message) }
        func child(_ e: MarkupElement, _ name: String) -> String? {
            e.elements.first { $0.localName == name }.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        func className(_ e: MarkupElement) throws -> String {
            guard let c = child(e, "classname"), !c.isEmpty else { throw fail(e, "<\(e.localName)> has no <classname>") }
            return c
        }
        func properties(_ e: MarkupElement) throws -> [(String, String)] {
            try e.elements.filter { $0.localName == "property" }.map { p in
                // <property><name>n</name><value>v</value></property> or <property name="n" value="v"/>
                guard let name = child(p, "name") ?? p.attribute("name"), !name.isEmpty else {
                    throw fail(p, "a <property> of <\(e.localName)> has no <name>")
                }
                return (name, child(p, "value") ?? p.attribute("value") ?? "")
            }
        }
        func gadget(_ e: MarkupElement) throws -> Entry {
            let cls = try className(e)
            let props = try properties(e)
            var entry = Entry(name: child(e, "name") ?? cls, className: cls, dll: child(e, "dll") ?? "", properties: props, python: nil, line: e.line)
            if cls == "PythonGadget" {
                let module = props.last { $0.0 == "python_module" }?.1 ?? ""
                let entryName = props.last { $0.0 == "python_class" }?.1 ?? ""
                guard !module.isEmpty, !entryName.isEmpty else {
                    throw fail(e, "PythonGadget '\(entry.name)' needs the properties python_module and python_class")
                }
                entry.python = PythonReference(module: module, entry: entryName)
                entry.properties = props.filter { !["python_module", "python_class", "python_path"].contains($0.0) }
            }
            return entry
        }
        func python(_ e: MarkupElement) throws -> Entry {
            guard let module = child(e, "module"), !module.isEmpty else { throw fail(e, "<python> has no <module>") }
            guard let entryName = child(e, "class") ?? child(e, "function"), !entryName.isEmpty else {
                throw fail(e, "<python> has no <class> or <function>")
            }
            return Entry(name: child(e, "name") ?? entryName, className: "PythonGadget", dll: "", properties: try properties(e),
                         python: PythonReference(module: module, entry: entryName), line: e.line)
        }
        func external(_ e: MarkupElement) throws -> Entry {
            guard let exec = e.elements.first(where: { $0.localName == "execute" }),
                  let module = exec.attribute("name"), let target = exec.attribute("target") else {
                throw fail(e, "<external> needs <execute name=\"module\" target=\"function\" type=\"python\"/>")
            }
            guard (exec.attribute("type") ?? "python").lowercased() == "python" else {
                throw fail(e, "<external> of type '\(exec.attribute("type") ?? "")' cannot run offline (only Python externals map to mrs gadgets)")
            }
            let conf = e.elements.first { $0.localName == "configuration" }
            return Entry(name: target, className: "PythonGadget", dll: "", properties: try conf.map(properties) ?? [],
                         python: PythonReference(module: module, entry: target), line: e.line)
        }
        func stream(_ container: MarkupElement) throws {
            for e in container.elements {
                switch e.localName {
                case "gadget": config.gadgets.append(try gadget(e))
                case "python": config.gadgets.append(try python(e))
                case "external": config.gadgets.append(try external(e))
                case "reader": config.readers.append(try className(e))
                case "writer": config.writers.append(try className(e))
                case "readers": for r in e.elements where r.localName == "reader" { config.readers.append(try className(r)) }
                case "writers": for w in e.elements where w.localName == "writer" { config.writers.append(try className(w)) }
                case "stream": try stream(e)
                case "version", "name", "description": continue
                case "parallel", "distributed", "parallelprocess":
                    throw fail(e, "<\(e.localName)> streams are not supported offline; use a linear chain of gadgets")
                default:
                    throw fail(e, "unexpected element <\(e.localName)> in the stream (expected gadget, python, external, reader or writer)")
                }
            }
        }
        switch root.localName {
        case "gadgetronStreamConfiguration", "configuration": try stream(root)
        default:
            throw ParseError(path: path, line: root.line, message: "the root element is <\(root.localName)>; a Gadgetron configuration has <gadgetronStreamConfiguration> or <configuration>")
        }
        return config
    }
}

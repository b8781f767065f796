/// A node of an XML document tree.
public enum MarkupNode: Equatable, Sendable {
    case element(MarkupElement)
    /// Character data with entities already decoded.
    case text(String)
    case cdata(String)
    case comment(String)
    case processingInstruction(target: String, data: String)
}

/// One attribute, in document order.
public struct MarkupAttribute: Equatable, Sendable {
    /// The attribute name (with any namespace prefix).
    public var name: String
    /// The value, entities decoded.
    public var value: String

    /// The attribute `name="value"`.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An XML element: name, attributes in order, children, and the line it started on.
public struct MarkupElement: Equatable, Sendable {
    /// The element name (with any namespace prefix).
    public var name: String
    /// The attributes in document order.
    public var attributes: [MarkupAttribute]
    /// Child nodes in document order.
    public var children: [MarkupNode]
    /// The 1-based source line of the start tag (0 for elements built in code); not compared by `==`.
    public var line: Int

    /// An element built in code.
    public init(_ name: String, attributes: [MarkupAttribute] = [], children: [MarkupNode] = [], line: Int = 0) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.line = line
    }

    /// An element holding only `text`.
    public init(_ name: String, text: String) {
        self.init(name, children: [.text(text)])
    }

    /// The child elements, in order.
    public var elements: [MarkupElement] {
        children.compactMap { if case .element(let e) = $0 { return e } else { return nil } }
    }

    /// The child elements called `name`.
    public func elements(named name: String) -> [MarkupElement] { elements.filter { $0.name == name } }

    /// The direct text and CDATA content, concatenated.
    public var text: String {
        children.map { node -> String in
            switch node {
            case .text(let t), .cdata(let t): return t
            default: return ""
            }
        }.joined()
    }

    /// The value of attribute `name`.
    public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

    /// The name without a namespace prefix (`xs:element` → `element`).
    public var localName: String { name.split(separator: ":").last.map(String.init) ?? name }

    public static func == (a: MarkupElement, b: MarkupElement) -> Bool {
        a.name == b.name && a.attributes == b.attributes && a.children == b.children
    }
}

/// A parsed document: what precedes the root (declaration, comments, processing instructions),
/// the root element, and what follows it.
public struct MarkupDocument: Equatable, Sendable {
    /// Declaration, comments and processing instructions before the root.
    public var prolog: [MarkupNode]
    /// The root element.
    public var root: MarkupElement
    /// Comments and processing instructions after the root.
    public var epilog: [MarkupNode]

    /// A document with `root` and optional surrounding nodes.
    public init(root: MarkupElement, prolog: [MarkupNode] = [], epilog: [MarkupNode] = []) {
        self.root = root
        self.prolog = prolog
        self.epilog = epilog
    }
}

/// Malformed XML: the line and column (1-based) where the problem was found, and what it is.
public struct XMLError: Error, CustomStringConvertible, Equatable, Sendable {
    /// 1-based line of the problem.
    public let line: Int
    /// 1-based column (in bytes) of the problem.
    public let column: Int
    /// What is wrong.
    public let message: String

    /// An error at `line`:`column`.
    public init(line: Int, column: Int, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "XML line \(line), column \(column): \(message)" }
}

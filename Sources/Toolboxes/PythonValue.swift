import ArrayFormats
import Foundation
import NDArray

/// A value passed to or returned from a Python snippet: what both mrs and Python can hold.
/// Arrays travel as `.npy` files (mrs's shape, Fortran order, so nothing is transposed); the rest
/// as tagged JSON nodes (see `PythonDriver`).
public indirect enum PythonValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case complex(Double, Double)
    case string(String)
    case array(NDArray)
    case list([PythonValue])
    /// A dict with string keys, in order (an mrs record).
    case dict([(String, PythonValue)])

    /// The JSON node for this value; arrays are written into `folder` as `in<k>.npy`.
    func node(writingArraysTo folder: ScratchDirectory, counter: inout Int) throws -> Any {
        switch self {
        case .none: return ["n"]
        case .bool(let b): return ["b", b]
        case .int(let i): return ["i", String(i)]
        case .float(let d): return ["f", PythonValue.text(d)]
        case .complex(let re, let im): return ["c", PythonValue.text(re), PythonValue.text(im)]
        case .string(let s): return ["s", s]
        case .array(let a):
            let name = "in\(counter).npy"
            counter += 1
            try NPY.write(a, to: folder.file(name))
            return ["a", name]
        case .list(let items):
            return ["l", try items.map { try $0.node(writingArraysTo: folder, counter: &counter) }]
        case .dict(let fields):
            return ["d", try fields.map { [$0.0, try $0.1.node(writingArraysTo: folder, counter: &counter)] }]
        }
    }

    /// A double as Python's `float()` reads it back exactly (`nan`, `inf` included).
    static func text(_ d: Double) -> String { d.description }

    /// The value of a JSON node written by the driver; arrays are read from `folder`.
    static func from(node: Any, folder: ScratchDirectory) throws -> PythonValue {
        guard let parts = node as? [Any], let tag = parts.first as? String else { throw malformed(node) }
        func text(_ i: Int) throws -> String {
            guard i < parts.count, let s = parts[i] as? String else { throw malformed(node) }
            return s
        }
        switch tag {
        case "n": return .none
        case "b":
            guard parts.count == 2, let b = parts[1] as? Bool else { throw malformed(node) }
            return .bool(b)
        case "i":
            guard let i = Int(try text(1)) else { throw malformed(node) }
            return .int(i)
        case "f":
            guard let d = Double(try text(1)) else { throw malformed(node) }
            return .float(d)
        case "c":
            guard let re = Double(try text(1)), let im = Double(try text(2)) else { throw malformed(node) }
            return .complex(re, im)
        case "s": return .string(try text(1))
        case "a":
            let name = try text(1)
            guard !name.contains("/") else { throw malformed(node) }
            return .array(try NPY.read(folder.file(name)))
        case "l":
            guard parts.count == 2, let items = parts[1] as? [Any] else { throw malformed(node) }
            return .list(try items.map { try from(node: $0, folder: folder) })
        case "d":
            guard parts.count == 2, let items = parts[1] as? [Any] else { throw malformed(node) }
            return .dict(try items.map { item in
                guard let pair = item as? [Any], pair.count == 2, let key = pair[0] as? String else { throw malformed(node) }
                return (key, try from(node: pair[1], folder: folder))
            })
        default: throw malformed(node)
        }
    }

    private static func malformed(_ node: Any) -> ArrayError {
        ArrayError("python", "the bridge's driver wrote a value mrs cannot read: \(String(describing: node).prefix(100))")
    }
}

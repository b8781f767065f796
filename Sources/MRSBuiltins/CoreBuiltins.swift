import Foundation
import MRSLanguage
import NDArray

/// The language's own built-ins: printing, lengths, ranges, types, help, assertions, strings,
/// lists and records, timing.
enum CoreBuiltins {
    static let family = "core"

    static func length(_ v: Value, _ a: Args) throws -> Int {
        switch v {
        case .list(let l): return l.count
        case .string(let s): return s.count
        case .record(let r): return r.count
        case .range(let r): return r.count
        case .array(let x):
            guard x.rank > 0 else { throw a.error("len() of a 0-d array is not defined", kind: .type) }
            return x.shape[0]
        case .handle(let d as DatasetHandle):
            // Its count can fail (no acquisitions, a damaged file): say why, not "has no length".
            return try d.count()
        case .handle(let h):
            if let n = h.length { return n }
            throw a.error("a \(h.typeName) has no length", kind: .type)
        default: throw a.error("len() of \(v.typeDescription) is not defined", kind: .type)
        }
    }

    /// The most items map, filter, sorted and friends turn into a list.
    static let maximumItems = 1 << 28

    static func items(_ v: Value, _ a: Args, _ name: String) throws -> [Value] {
        switch v {
        case .list(let l): return l
        case .range(let r):
            // A list of values costs tens of bytes each: refuse what could never fit.
            guard r.count <= maximumItems else {
                throw a.error("\(name) has \(r.count) items, more than the \(maximumItems) a list can hold here", kind: .value)
            }
            return try r.values(operation: name)
        case .string(let s): return s.map { .string(String($0)) }
        case .array(let x) where x.rank >= 1:
            return try (0..<x.shape[0]).map { Convert.fromArray(try x.get([.int($0)])) }
        case .handle(let h):
            // Anything a for loop can walk: selections, datasets, streamlines.
            guard let it = try h.makeIterator() else { throw a.bad(name, expected: "a list, range, string, array or something iterable") }
            var out: [Value] = []
            while let v = try it.next() {
                guard out.count < maximumItems else { throw a.error("\(name) has more than \(maximumItems) items", kind: .value) }
                out.append(v)
            }
            return out
        default: throw a.bad(name, expected: "a list, range, string, array or something iterable")
        }
    }

    static func sortKey(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x < y
        default:
            if let x = a.scalar, let y = b.scalar { return x.asDouble < y.asDouble }
            return Display.repr(a) < Display.repr(b)
        }
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("print(values...)", family: family,
                     summary: "Write the values to standard output, separated by one space, ending the line.",
                     description: "Strings are written as they are; other values as the REPL shows them inline. Use string interpolation for formatting: print(\"slice {s}: {x:.3f}\").",
                     example: "print(\"matrix size\", [256, 12])   # matrix size [256, 12]") { a in
            a.interp.output(a.rest.map(Display.text).joined(separator: " ") + "\n")
            return .none
        },
        BuiltinEntry("len(x)", family: family,
                     summary: "Number of items: list elements, string characters, record fields, acquisitions of a dataset, first dimension of an array.",
                     example: "len([1, 2, 3])          # 3\nlen(f)                  # acquisitions in a dataset") { a in
            .int(try length(a["x"], a))
        },
        BuiltinEntry("range(start, stop=none, step=1)", family: family,
                     summary: "Integers from start up to (not including) stop; range(n) is 0, 1, …, n-1.",
                     example: "for i in range(3) print(i) end   # 0 1 2\nrange(10, 0, -3)                # 10, 7, 4, 1") { a in
            var start = try a.int("start"), stop: Int
            if a.isNone("stop") { stop = start; start = 0 } else { stop = try a.int("stop") }
            let step = try a.int("step")
            if step == 0 { throw a.error("step must not be zero") }
            if RangeValue.elementCount(start: start, stop: stop, step: step) > UInt(Int.max) {
                throw a.error("range(\(start), \(stop), \(step)) has more than \(Int.max) elements")
            }
            return .range(RangeValue(start: start, stop: stop, step: step))
        },
        BuiltinEntry("type(x)", family: family,
                     summary: "The type name of a value: none, bool, int, float, complex, string, list, record, range, array, function, or a handle type such as dataset.",
                     example: "type(1.5)      # \"float\"\ntype(zeros(3)) # \"array\"") { a in
            .string(a["x"].typeName)
        },
        BuiltinEntry("help(name=none)", family: family,
                     summary: "Show help: the families of built-ins, one built-in (help(\"fft\") or help(fft)), or a search (help(\"coil\")).",
                     example: "help()\nhelp(\"rss\")\nhelp(\"noise\")") { a in
            let r = a.interp.registry
            var text: String
            switch a["name"] {
            case .none: text = Help.overview(r)
            case .function(let f): text = Help.entry(f.name, r) ?? "\(f.signature)\n    a user function"
            case .string(let s): text = Help.entry(s, r) ?? Help.search(s, r)
            default: throw a.bad("name", expected: "a built-in name or a search word")
            }
            a.interp.output(text + "\n")
            return .none
        },
        BuiltinEntry("assert(condition, message=none)", family: family,
                     summary: "Stop with an error unless the condition is true.",
                     example: "assert(len(f) > 0, \"the file has no readouts\")") { a in
            let ok: Bool
            switch a["condition"] {
            case .bool(let b): ok = b
            case .array(let x):
                ok = (try? x.reduce(.all).item()) == .bool(true)
            default:
                throw a.bad("condition", expected: "true or false")
            }
            if !ok {
                let msg = a.isNone("message") ? "assertion failed" : "assertion failed: \(Display.text(a["message"]))"
                throw MRSError(.assertion, msg, at: a.location)
            }
            return .none
        },
        BuiltinEntry("error(message)", family: family,
                     summary: "Stop with an error carrying the message.",
                     example: "if n < 0 error(\"n must be positive, got {n}\") end") { a in
            throw MRSError(.runtime, Display.text(a["message"]), at: a.location)
        },
        BuiltinEntry("str(x)", family: family,
                     summary: "The text of a value, as print shows it.",
                     example: "str(3) + \" coils\"   # \"3 coils\"") { a in
            .string(Display.text(a["x"]))
        },
        BuiltinEntry("repr(x)", family: family,
                     summary: "The text of a value as the REPL shows it inline (strings quoted).",
                     example: "repr(\"a\")   # \"\\\"a\\\"\"") { a in
            .string(Display.repr(a["x"]))
        },
        BuiltinEntry("format(x, spec)", family: family,
                     summary: "Format a value with a Python-style spec such as \".3f\", \"8.2e\", \">10\", \"05d\", \"x\".",
                     description: "The same specs work inside string interpolation: \"{x:.3f}\". Arrays and lists are formatted element by element.",
                     example: "format(3.14159, \".2f\")   # \"3.14\"\n\"{1234567:,}\"             # \"1,234,567\"") { a in
            .string(try formatValue(a["x"], spec: try a.string("spec")))
        },
        BuiltinEntry("int(x)", family: family,
                     summary: "Convert a number or a numeric string to an integer (floats truncate toward zero).",
                     example: "int(3.9)    # 3\nint(\"42\")   # 42") { a in
            switch a["x"] {
            case .int(let i): return .int(i)
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d):
                guard d.isFinite, abs(d) < 9.2e18 else { throw a.error("cannot convert \(formatNumber(d)) to an integer") }
                return .int(Int(d))
            case .string(let s):
                if let i = Int(s.trimmingCharacters(in: .whitespaces)) { return .int(i) }
                throw a.error("cannot convert \"\(s)\" to an integer")
            case .array(let x) where x.count == 1 && !x.dtype.isComplex:
                let d = try x.item().asDouble
                guard d.isFinite, abs(d) < 9.2e18 else { throw a.error("cannot convert \(formatNumber(d)) to an integer") }
                return .int(Int(d))
            default: throw a.bad("x", expected: "a real number or a numeric string")
            }
        },
        BuiltinEntry("float(x)", family: family,
                     summary: "Convert a number or a numeric string to a float.",
                     example: "float(3)       # 3.0\nfloat(\"1e-3\") # 0.001") { a in
            switch a["x"] {
            case .string(let s):
                if let d = Double(s.trimmingCharacters(in: .whitespaces)) { return .float(d) }
                throw a.error("cannot convert \"\(s)\" to a float")
            case .complex: throw a.error("cannot convert a complex number to float; use real() or abs()")
            case .array(let x) where x.count == 1 && !x.dtype.isComplex: return .float(try x.item().asDouble)
            default: return .float(try a.double("x"))
            }
        },
        BuiltinEntry("complex(re, im=0)", family: family,
                     summary: "A complex number from real and imaginary parts (arrays too: complex(re_array, im_array)).",
                     example: "complex(1, 2)   # 1+2i") { a in
            if case .array = a["re"] {
                return .array(try NDArray.complex(real: try a.array("re"), imag: try a.array("im")))
            }
            if case .array = a["im"] {
                return .array(try NDArray.complex(real: try a.array("re"), imag: try a.array("im")))
            }
            return .complex(Complex128(try a.double("re"), try a.double("im")))
        },
        BuiltinEntry("bool(x)", family: family,
                     summary: "The truth of a value (false for 0, none, empty strings and lists).",
                     example: "bool(0)   # false") { a in
            switch a["x"] {
            case .none: return .bool(false)
            case .bool(let b): return .bool(b)
            case .int(let i): return .bool(i != 0)
            case .float(let d): return .bool(d != 0)
            case .complex(let c): return .bool(c.re != 0 || c.im != 0)
            case .string(let s): return .bool(!s.isEmpty)
            case .list(let l): return .bool(!l.isEmpty)
            case .record(let r): return .bool(r.count > 0)
            case .array(let x):
                guard x.count == 1 else { throw a.error("the truth value of a \(x.summary) array is ambiguous; use any() or all()", kind: .type) }
                return .bool(x.scalar(flat: 0).asComplex.re != 0 || x.scalar(flat: 0).asComplex.im != 0)
            default: return .bool(true)
            }
        },
        BuiltinEntry("keys(r)", family: family,
                     summary: "The field names of a record, in order.",
                     example: "keys({x: 1, y: 2})   # [\"x\", \"y\"]") { a in
            .list(try a.record("r").keys.map { .string($0) })
        },
        BuiltinEntry("values(r)", family: family,
                     summary: "The field values of a record, in order.",
                     example: "values({x: 1, y: 2})   # [1, 2]") { a in
            .list(try a.record("r").values)
        },
        BuiltinEntry("items(r)", family: family,
                     summary: "The fields of a record as [name, value] pairs, for `for k, v in items(r)`.",
                     example: "for k, v in items({x: 1, y: 2}) print(k, v) end") { a in
            .list(try a.record("r").fields.map { .list([.string($0.0), $0.1]) })
        },
        BuiltinEntry("get(r, key, default=none)", family: family,
                     summary: "A record field by name, or the default when the field is absent.",
                     example: "get(f.header, \"userParameters\", {})") { a in
            let r = try a.record("r")
            return r[try a.string("key")] ?? a["default"]
        },
        BuiltinEntry("append(xs, x)", family: family,
                     summary: "A new list with x added at the end (lists are values: assign the result).",
                     example: "xs = append(xs, 4)") { a in
            var l = try a.list("xs")
            l.append(a["x"])
            return .list(l)
        },
        BuiltinEntry("extend(xs, ys)", family: family,
                     summary: "A new list with the items of ys added at the end of xs.",
                     example: "extend([1, 2], [3, 4])   # [1, 2, 3, 4]") { a in
            .list(try a.list("xs") + a.list("ys"))
        },
        BuiltinEntry("reversed(xs)", family: family,
                     summary: "The items of a list (or string) in reverse order.",
                     example: "reversed([1, 2, 3])   # [3, 2, 1]") { a in
            if case .string(let s) = a["xs"] { return .string(String(s.reversed())) }
            return .list(try items(a["xs"], a, "xs").reversed())
        },
        BuiltinEntry("sorted(xs, key=none, reverse=false)", family: family,
                     summary: "The items sorted ascending (by key(x) when a key function is given).",
                     example: "sorted([3, 1, 2])                     # [1, 2, 3]\nsorted(recs, key=r -> r.slice)") { a in
            let xs = try items(a["xs"], a, "xs")
            var keyed: [(Value, Value)] = []
            for x in xs {
                let k = a.isNone("key") ? x : try a.interp.call(a["key"], [x], at: a.location)
                keyed.append((k, x))
            }
            var sortedPairs = keyed.enumerated().sorted { l, r in
                if sortKey(l.element.0, r.element.0) { return true }
                if sortKey(r.element.0, l.element.0) { return false }
                return l.offset < r.offset
            }.map(\.element.1)
            if try a.bool("reverse") { sortedPairs.reverse() }
            return .list(sortedPairs)
        },
        BuiltinEntry("enumerate(xs)", family: family,
                     summary: "Pairs [index, item], for `for i, x in enumerate(xs)`.",
                     example: "for i, name in enumerate([\"a\", \"b\"]) print(i, name) end") { a in
            .list(try items(a["xs"], a, "xs").enumerated().map { .list([.int($0.offset), $0.element]) })
        },
        BuiltinEntry("zip(lists...)", family: family,
                     summary: "Lists of corresponding items: zip([1, 2], [\"a\", \"b\"]) is [[1, \"a\"], [2, \"b\"]].",
                     example: "for x, y in zip(xs, ys) print(x + y) end") { a in
            let lists = try a.rest.map { v -> [Value] in
                switch v {
                case .list(let l): return l
                case .range(let r): return try r.values(operation: "zip")
                default: throw a.error("zip() takes lists, got \(v.typeDescription)", kind: .type)
                }
            }
            let n = lists.map(\.count).min() ?? 0
            return .list((0..<n).map { i in .list(lists.map { $0[i] }) })
        },
        BuiltinEntry("map(f, xs)", family: family,
                     summary: "A list of f(x) for every item x.",
                     example: "map(x -> x ^ 2, [1, 2, 3])   # [1, 4, 9]") { a in
            let xs = try items(a["xs"], a, "xs")
            return .list(try xs.map { try a.interp.call(a["f"], [$0], at: a.location) })
        },
        BuiltinEntry("filter(f, xs)", family: family,
                     summary: "The items x for which f(x) is true.",
                     example: "filter(x -> x % 2 == 0, range(6))   # [0, 2, 4]") { a in
            let xs = try items(a["xs"], a, "xs")
            return .list(try xs.filter { x in
                let r = try a.interp.call(a["f"], [x], at: a.location)
                guard case .bool(let b) = r else { throw a.error("the filter function must return true or false, got \(r.typeDescription)", kind: .type) }
                return b
            })
        },
        BuiltinEntry("split(s, sep=none)", family: family,
                     summary: "Split a string at sep (at runs of whitespace when sep is none).",
                     example: "split(\"a,b,c\", \",\")   # [\"a\", \"b\", \"c\"]") { a in
            let s = try a.string("s")
            if let sep = try a.optionalString("sep") {
                guard !sep.isEmpty else { throw a.error("separator must not be empty") }
                return .list(s.components(separatedBy: sep).map { .string($0) })
            }
            return .list(s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
        },
        BuiltinEntry("join(xs, sep=\"\")", family: family,
                     summary: "Join the items' text with a separator.",
                     example: "join([\"a\", \"b\"], \", \")   # \"a, b\"") { a in
            .string(try a.list("xs").map(Display.text).joined(separator: try a.string("sep")))
        },
        BuiltinEntry("upper(s)", family: family, summary: "The string in upper case.", example: "upper(\"ro\")   # \"RO\"") { a in
            .string(try a.string("s").uppercased())
        },
        BuiltinEntry("lower(s)", family: family, summary: "The string in lower case.", example: "lower(\"CHA\")   # \"cha\"") { a in
            .string(try a.string("s").lowercased())
        },
        BuiltinEntry("strip(s)", family: family, summary: "The string without leading and trailing whitespace.", example: "strip(\"  x \")   # \"x\"") { a in
            .string(try a.string("s").trimmingCharacters(in: .whitespacesAndNewlines))
        },
        BuiltinEntry("replace(s, old, new)", family: family, summary: "The string with every occurrence of old replaced by new.",
                     example: "replace(\"slice_0.png\", \"0\", \"1\")") { a in
            let old = try a.string("old")
            guard !old.isEmpty else { throw a.error("the text to replace must not be empty") }
            return .string(try a.string("s").replacingOccurrences(of: old, with: try a.string("new")))
        },
        BuiltinEntry("startswith(s, prefix)", family: family, summary: "True if the string starts with prefix.",
                     example: "startswith(\"ACQ_IS_REVERSE\", \"ACQ_\")   # true") { a in
            .bool(try a.string("s").hasPrefix(try a.string("prefix")))
        },
        BuiltinEntry("endswith(s, suffix)", family: family, summary: "True if the string ends with suffix.",
                     example: "endswith(\"data.h5\", \".h5\")   # true") { a in
            .bool(try a.string("s").hasSuffix(try a.string("suffix")))
        },
        BuiltinEntry("time()", family: family, summary: "Seconds since 1970 as a float (for timing).",
                     example: "t = time(); x = fft(k); print(time() - t)") { _ in
            .float(Date().timeIntervalSince1970)
        },
        BuiltinEntry("tic()", family: family, summary: "Start a stopwatch; toc() reads it.",
                     example: "tic(); img = ifft(k, axes=[0, 1]); toc()") { a in
            a.interp.sessionState["tic"] = DispatchTime.now().uptimeNanoseconds
            return .none
        },
        BuiltinEntry("toc()", family: family, summary: "Seconds since the last tic().",
                     example: "tic(); img = ifft(k, axes=[0, 1]); toc()") { a in
            guard let t0 = a.interp.sessionState["tic"] as? UInt64 else { throw a.error("toc() without a tic()") }
            return .float(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        },
        BuiltinEntry("sleep(seconds)", family: family, summary: "Wait for the given number of seconds (Ctrl-C stops it).",
                     example: "sleep(0.5)", effects: .waits) { a in
            let s = try a.double("seconds")
            guard s >= 0 && s.isFinite else { throw a.error("seconds must be finite and non-negative") }
            let end = DispatchTime.now().uptimeNanoseconds + UInt64(s * 1e9)
            while DispatchTime.now().uptimeNanoseconds < end {
                try Interrupt.check()
                usleep(UInt32(min(20_000, max(1, Int64(end) - Int64(DispatchTime.now().uptimeNanoseconds)) / 1000)))
            }
            return .none
        },
    ]

    static let constants: [ConstantEntry] = [
        ConstantEntry("pi", family: family, value: .float(Double.pi), summary: "π = 3.14159…"),
        ConstantEntry("inf", family: family, value: .float(.infinity), summary: "Positive infinity."),
        ConstantEntry("nan", family: family, value: .float(.nan), summary: "Not a number."),
    ]
}

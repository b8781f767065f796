import NDArray

/// Reading `x[…]` and `x.name` for every kind of value.
enum Indexing {
    /// Converts evaluated index keys to array indices.
    static func arrayIndices(_ keys: [IndexKey]) throws -> [Index] {
        try keys.map { key in
            switch key {
            case .ellipsis: return .ellipsis
            case .slice(let a, let b, let c): return .slice(start: a, stop: b, step: c)
            case .value(let v):
                switch v {
                case .int(let i): return .int(i)
                case .range(let r): return .slice(start: r.start, stop: r.count == 0 ? r.start : r.element(r.count - 1) + (r.step > 0 ? 1 : -1), step: r.step)
                case .array(let a):
                    if a.dtype == .bool { return .mask(a) }
                    guard a.dtype == .int64, a.rank <= 1 else {
                        throw MRSError(.index, "an index array must be bool (a mask) or 1-D int, got \(a.summary)")
                    }
                    return .list(a.rank == 0 ? [a.toArray(Int.self)[0]] : a.toArray(Int.self))
                case .list(let l):
                    if l.isEmpty { return .list([]) }
                    if l.allSatisfy({ if case .bool = $0 { return true } else { return false } }) {
                        return .mask(try Convert.toArray(v))
                    }
                    return .list(try l.map { item -> Int in
                        guard case .int(let i) = item else {
                            throw MRSError(.index, "an index list must hold integers (or bools for a mask), found \(item.typeDescription)")
                        }
                        return i
                    })
                case .bool:
                    throw MRSError(.index, "a bool cannot be used as an index; use an integer, or a bool array as a mask")
                default:
                    throw MRSError(.index, "cannot index an array with \(v.typeDescription)")
                }
            }
        }
    }

    /// Resolves a possibly negative position in a sequence of `count` items.
    static func position(_ i: Int, count: Int, what: String) throws -> Int {
        let r = i < 0 ? i &+ count : i
        guard r >= 0 && r < count else {
            throw MRSError(.index, "index \(i) is out of range for a \(what) of length \(count)")
        }
        return r
    }

    /// Positions selected by a slice (Python rules) in a sequence of `count` items.
    static func slicePositions(_ a: Int?, _ b: Int?, _ c: Int?, count: Int) throws -> [Int] {
        let step = c ?? 1
        if step == 0 { throw MRSError(.index, "slice step cannot be zero") }
        func clamp(_ v: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard var x = v else { return dflt }
            if x < 0 { x = x < -count ? lo : x + count }
            return Swift.min(Swift.max(x, lo), hi)
        }
        var out: [Int] = []
        if step > 0 {
            var i = clamp(a, 0, lo: 0, hi: count)
            let stop = clamp(b, count, lo: 0, hi: count)
            // A slice of a huge range would list billions of positions.
            try RangeValue.checkListSize(Int(clamping: RangeValue.elementCount(start: i, stop: stop, step: step)), operation: "slice")
            while i < stop {
                out.append(i)
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        } else {
            var i = clamp(a, count - 1, lo: -1, hi: count - 1)
            let stop = clamp(b, -1, lo: -1, hi: count - 1)
            try RangeValue.checkListSize(Int(clamping: RangeValue.elementCount(start: i, stop: stop, step: step)), operation: "slice")
            while i > stop {
                out.append(i)
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        }
        return out
    }

    static func get(_ base: Value, _ keys: [IndexKey]) throws -> Value {
        switch base {
        case .array(let a):
            return Convert.fromArray(try a.get(try arrayIndices(keys)))
        case .list(let l):
            let key = try single(keys, "list")
            switch key {
            case .value(.int(let i)): return l[try position(i, count: l.count, what: "list")]
            case .slice(let a, let b, let c): return .list(try slicePositions(a, b, c, count: l.count).map { l[$0] })
            case .value(.list(let idx)):
                return .list(try idx.map { v -> Value in
                    guard case .int(let i) = v else { throw MRSError(.index, "list indices must be integers, got \(v.typeDescription)") }
                    return l[try position(i, count: l.count, what: "list")]
                })
            case .value(let v): throw MRSError(.index, "list indices must be integers or slices, got \(v.typeDescription)")
            case .ellipsis: return base
            }
        case .string(let s):
            let chars = Array(s)
            switch try single(keys, "string") {
            case .value(.int(let i)): return .string(String(chars[try position(i, count: chars.count, what: "string")]))
            case .slice(let a, let b, let c): return .string(String(try slicePositions(a, b, c, count: chars.count).map { chars[$0] }))
            case .value(let v): throw MRSError(.index, "string indices must be integers or slices, got \(v.typeDescription)")
            case .ellipsis: return base
            }
        case .record(let r):
            guard case .value(.string(let k)) = try single(keys, "record") else {
                throw MRSError(.index, "records are indexed by field name strings (r[\"x\"]) or with r.x")
            }
            return try field(.record(r), k)
        case .range(let r):
            switch try single(keys, "range") {
            case .value(.int(let i)): return .int(r.element(try position(i, count: r.count, what: "range")))
            case .slice(let a, let b, let c): return .list(try slicePositions(a, b, c, count: r.count).map { .int(r.element($0)) })
            default: throw MRSError(.index, "range indices must be integers or slices")
            }
        case .handle(let h):
            if keys.count > 1 {
                let values = try keys.map { k -> Value in
                    guard case .value(let v) = k else { throw MRSError(.index, "a \(h.typeName) cannot be sliced along several axes") }
                    return v
                }
                if let v = try h.index(keys: values) { return v }
                throw MRSError(.index, "a \(h.typeName) cannot be indexed")
            }
            var key: Value
            switch keys[0] {
            case .value(let v): key = v
            case .slice(let a, let b, let c):
                guard let n = h.length else { throw MRSError(.index, "a \(h.typeName) cannot be sliced") }
                key = .list(try slicePositions(a, b, c, count: n).map { .int($0) })
            case .ellipsis: return base
            }
            if let v = try h.index(key) { return v }
            throw MRSError(.index, "a \(h.typeName) cannot be indexed")
        case .none:
            throw MRSError(.type, "cannot index none (did a function return nothing?)")
        default:
            throw MRSError(.type, "cannot index \(base.typeDescription)")
        }
    }

    private static func single(_ keys: [IndexKey], _ what: String) throws -> IndexKey {
        guard keys.count == 1 else {
            throw MRSError(.index, "a \(what) takes one index, got \(keys.count) (use x[i][j] for nested values)")
        }
        return keys[0]
    }

    /// Fields that arrays answer to.
    static let arrayFields = ["shape", "dtype", "rank", "size", "T", "real", "imag"]

    static func field(_ base: Value, _ name: String) throws -> Value {
        switch base {
        case .record(let r):
            if let v = r[name] { return v }
            let what = r.path ?? "record"
            throw MRSError(.name, "\(what) has no field '\(name)'\(suggestion(name, r.keys)) (fields: \(r.keys.joined(separator: ", ")))")
        case .handle(let h):
            if let v = try h.field(name) { return v }
            throw MRSError(.name, "\(h.typeName) has no field '\(name)'\(suggestion(name, h.fieldNames)) (fields: \(h.fieldNames.joined(separator: ", ")))")
        case .array(let a):
            switch name {
            case "shape": return .list(a.shape.map { .int($0) })
            case "dtype": return .string(a.dtype.name)
            case "rank", "ndim": return .int(a.rank)
            case "size": return .int(a.count)
            case "T": return .array(a.transposed())
            case "real": return Convert.fromArray(try a.unary(.real))
            case "imag": return Convert.fromArray(try a.unary(.imag))
            default:
                throw MRSError(.name, "array has no field '\(name)' (fields: \(arrayFields.joined(separator: ", ")))")
            }
        case .complex(let c):
            if name == "re" || name == "real" { return .float(c.re) }
            if name == "im" || name == "imag" { return .float(c.im) }
        case .none:
            throw MRSError(.type, "cannot read field '\(name)' of none (did a function return nothing?)")
        default: break
        }
        throw MRSError(.type, "\(base.typeDescription) has no field '\(name)'")
    }

    /// ` (did you mean 'x'?)` when a close name exists.
    static func suggestion(_ name: String, _ candidates: [String]) -> String {
        if let best = closest(name, candidates) { return " (did you mean '\(best)'?)" }
        return ""
    }
}

/// The candidate within a small edit distance of `name`, if any.
func closest(_ name: String, _ candidates: [String]) -> String? {
    let limit = Swift.max(1, name.count / 3)
    var best: (String, Int)?
    for c in candidates where c != name {
        let d = editDistance(name.lowercased(), c.lowercased())
        if d <= limit && (best == nil || d < best!.1) { best = (c, d) }
    }
    return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}

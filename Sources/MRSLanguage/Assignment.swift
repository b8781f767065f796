import NDArray

/// Storing into assignment targets: names, fields and indices, nested to any depth
/// (`bufs[0].data[:, e1, :] = a.data`). The container is taken out of its variable while it is
/// changed, so the array or list inside stays uniquely referenced and is updated in place rather
/// than copied; on error the original is put back unchanged.
enum Assignment {
    /// A path step with its index expressions already evaluated.
    enum Step {
        case field(String)
        case index([IndexKey])
    }

    static func store(_ value: Value, into target: TargetNode, _ f: Frame) throws {
        let p = target.ref.pointer(f)
        if target.path.isEmpty {
            p.pointee = value
            return
        }
        // Evaluate the indices first: they may read the variable being assigned (m[m == 0] = 1).
        let steps: [Step] = try target.path.map { step in
            switch step {
            case .field(let n): return .field(n)
            case .index(let items): return .index(try items.map { try $0.eval(f) })
            }
        }
        guard var container = p.pointee else {
            throw MRSError(.name, "'\(target.name)' is not defined, so it cannot be indexed or have fields assigned", at: target.loc)
        }
        p.pointee = nil
        defer { p.pointee = container }
        try update(&container, steps[...], with: value, target.loc)
    }

    private static func update(_ v: inout Value, _ path: ArraySlice<Step>, with value: Value, _ loc: SourceLocation) throws {
        guard let step = path.first else {
            v = value
            return
        }
        let rest = path.dropFirst()
        switch step {
        case .field(let name):
            if case .handle(let h) = v, let m = h as? FieldAssignable {
                try updateField(m, name, rest, with: value, loc)
                return
            }
            guard case .record(var r) = v else {
                if case .handle(let h) = v {
                    throw MRSError(.type, "cannot assign field '\(name)' of a \(h.typeName) (it is read-only)", at: loc)
                }
                throw MRSError(.type, "cannot assign field '\(name)' of \(v.typeDescription) (only records have assignable fields)", at: loc)
            }
            v = .none
            defer { v = .record(r) }
            if rest.isEmpty {
                r[name] = value
                return
            }
            guard let i = r.index(of: name) else {
                throw MRSError(.name, "record has no field '\(name)'\(Indexing.suggestion(name, r.keys))", at: loc)
            }
            var inner = r.swapValue(at: i, .none)
            defer { _ = r.swapValue(at: i, inner) }
            try update(&inner, rest, with: value, loc)
        case .index(let keys):
            try updateIndex(&v, keys, rest, with: value, loc)
        }
    }

    /// A field of a handle that allows assignment (a gadget's `self`): the field's value is taken
    /// out while a nested part of it changes, so arrays inside are updated in place.
    private static func updateField(_ m: FieldAssignable, _ name: String, _ rest: ArraySlice<Step>, with value: Value, _ loc: SourceLocation) throws {
        if rest.isEmpty {
            try m.setField(name, value)
            return
        }
        guard var inner = try m.field(name) else {
            throw MRSError(.name, "\(m.typeName) has no field '\(name)'\(Indexing.suggestion(name, m.fieldNames))", at: loc)
        }
        try m.setField(name, .none)
        do {
            try update(&inner, rest, with: value, loc)
        } catch {
            try m.setField(name, inner)
            throw error
        }
        try m.setField(name, inner)
    }

    private static func updateIndex(_ v: inout Value, _ keys: [IndexKey], _ rest: ArraySlice<Step>, with value: Value, _ loc: SourceLocation) throws {
        switch v {
        case .array(var a):
            v = .none
            defer { v = .array(a) }
            let idx: [Index]
            do { idx = try Indexing.arrayIndices(keys) } catch { throw MRSError.wrap(error, at: loc) }
            var newValue = value
            if !rest.isEmpty {
                // a[i].x = … or a[i][j] = …: update a copy of the selection, then store it back.
                var sub: Value
                do { sub = Convert.fromArray(try a.get(idx)) } catch { throw MRSError.wrap(error, at: loc) }
                try update(&sub, rest, with: value, loc)
                newValue = sub
            }
            let arr: NDArray
            do { arr = try Convert.toArray(newValue, what: "the assigned value") } catch { throw MRSError.wrap(error, at: loc) }
            do { try a.set(idx, to: arr) } catch { throw MRSError.wrap(error, at: loc) }
        case .list(var l):
            guard keys.count == 1 else { throw MRSError(.index, "a list takes one index, got \(keys.count)", at: loc) }
            switch keys[0] {
            case .value(.int(let i)):
                let k: Int
                do { k = try Indexing.position(i, count: l.count, what: "list") } catch { throw MRSError.wrap(error, at: loc) }
                v = .none
                var inner = l[k]
                l[k] = .none
                defer { l[k] = inner; v = .list(l) }
                try update(&inner, rest, with: value, loc)
            case .slice(let a, let b, let c):
                guard rest.isEmpty else { throw MRSError(.index, "cannot assign into a field of a list slice", at: loc) }
                let positions: [Int]
                do { positions = try Indexing.slicePositions(a, b, c, count: l.count) } catch { throw MRSError.wrap(error, at: loc) }
                guard case .list(let items) = value else {
                    throw MRSError(.type, "can only assign a list to a list slice, got \(value.typeDescription)", at: loc)
                }
                if (c ?? 1) == 1 {
                    let lo = positions.first ?? Swift.min(Swift.max(a.map { $0 < 0 ? $0 + l.count : $0 } ?? 0, 0), l.count)
                    v = .none
                    l.replaceSubrange(lo..<(lo + positions.count), with: items)
                    v = .list(l)
                } else {
                    guard items.count == positions.count else {
                        throw MRSError(.value, "cannot assign \(items.count) items to an extended slice of \(positions.count)", at: loc)
                    }
                    v = .none
                    for (p, item) in zip(positions, items) { l[p] = item }
                    v = .list(l)
                }
            default:
                throw MRSError(.index, "list indices must be integers or slices", at: loc)
            }
        case .record(var r):
            guard keys.count == 1, case .value(.string(let name)) = keys[0] else {
                throw MRSError(.index, "records are indexed by field name strings", at: loc)
            }
            v = .none
            defer { v = .record(r) }
            if rest.isEmpty { r[name] = value; return }
            guard let i = r.index(of: name) else { throw MRSError(.name, "record has no field '\(name)'", at: loc) }
            var inner = r.swapValue(at: i, .none)
            defer { _ = r.swapValue(at: i, inner) }
            try update(&inner, rest, with: value, loc)
        case .string:
            throw MRSError(.type, "strings cannot be changed in place; build a new string", at: loc)
        default:
            throw MRSError(.type, "cannot assign into an index of \(v.typeDescription)", at: loc)
        }
    }
}

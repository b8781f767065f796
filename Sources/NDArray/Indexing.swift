import Foundation

/// One entry of an index expression `a[i, 2:8:2, :, mask, [1, 3]]`.
public enum Index {
    /// One position (negative counts from the end); removes the axis.
    case int(Int)
    /// Half-open range with optional bounds and step (Python slice rules).
    case slice(start: Int?, stop: Int?, step: Int?)
    /// `:` — the whole axis.
    case all
    /// A new axis of length 1.
    case newAxis
    /// `...` — as many `:` as needed.
    case ellipsis
    /// Integer positions along one axis (orthogonal: each list selects on its own axis).
    case list([Int])
    /// Boolean mask over as many axes as it has dimensions; the selected positions (column-major)
    /// form one axis of the result.
    case mask(NDArray)
}

/// Where a selection reads or writes: a base offset plus, per result axis, either a stride or an
/// explicit list of storage-offset contributions.
struct Selection {
    enum Axis {
        case strided(size: Int, stride: Int)
        case explicit([Int])
        var size: Int {
            switch self {
            case .strided(let n, _): return n
            case .explicit(let l): return l.count
            }
        }
    }
    var offset: Int
    var axes: [Axis]
    var shape: [Int] { axes.map(\.size) }
    var isView: Bool {
        axes.allSatisfy { if case .strided = $0 { return true } else { return false } }
    }
    var strides: [Int] {
        axes.map { if case .strided(_, let s) = $0 { return s } else { return 0 } }
    }
}

extension NDArray {
    /// Number of array axes an index entry consumes.
    private static func consumed(_ i: Index) -> Int {
        switch i {
        case .newAxis, .ellipsis: return 0
        case .mask(let m): return Swift.max(m.rank, 1)
        default: return 1
        }
    }

    /// Resolves an index expression against this array's layout.
    func selection(_ indices: [Index], operation: String) throws -> Selection {
        let ellipses = indices.filter { if case .ellipsis = $0 { return true } else { return false } }.count
        if ellipses > 1 { throw ArrayError(operation, "an index can only have a single '...'") }
        let used = indices.reduce(0) { $0 + NDArray.consumed($1) }
        if used > rank {
            throw ArrayError(operation, "too many indices for an array of shape \(Shape.text(shape)): \(used) given, rank \(rank)")
        }
        var expanded: [Index] = []
        for i in indices {
            if case .ellipsis = i {
                expanded += Array(repeating: Index.all, count: rank - used)
            } else {
                expanded.append(i)
            }
        }
        if ellipses == 0 { expanded += Array(repeating: Index.all, count: rank - used) }

        var sel = Selection(offset: offset, axes: [])
        var d = 0
        for entry in expanded {
            switch entry {
            case .ellipsis:
                break
            case .newAxis:
                sel.axes.append(.strided(size: 1, stride: 0))
            case .int(let i):
                let r = try NDArray.resolveIndex(i, size: shape[d], axis: d, shape: shape)
                sel.offset += r * strides[d]
                d += 1
            case .all:
                sel.axes.append(.strided(size: shape[d], stride: strides[d]))
                d += 1
            case .slice(let start, let stop, let step):
                let (first, n, st) = try NDArray.sliceBounds(start, stop, step, size: shape[d], operation: operation)
                sel.offset += first * strides[d]
                sel.axes.append(.strided(size: n, stride: n <= 1 ? strides[d] : strides[d] &* st))
                d += 1
            case .list(let list):
                var contributions: [Int] = []
                contributions.reserveCapacity(list.count)
                for i in list {
                    let r = try NDArray.resolveIndex(i, size: shape[d], axis: d, shape: shape)
                    contributions.append(r * strides[d])
                }
                sel.axes.append(.explicit(contributions))
                d += 1
            case .mask(let m):
                guard m.dtype == .bool else {
                    throw ArrayError(operation, "a mask index must be bool, got \(m.dtype) (use an integer list to pick positions)")
                }
                let k = Swift.max(m.rank, 1)
                let axesShape = Array(shape[d..<(d + k)])
                let maskShape = m.rank == 0 ? [1] : m.shape
                guard maskShape == axesShape else {
                    throw ArrayError(operation, "mask of shape \(Shape.text(m.shape)) does not match the indexed axes \(d)…\(d + k - 1) of shape \(Shape.text(axesShape)) (array shape \(Shape.text(shape)))")
                }
                var contributions: [Int] = []
                let mc = m.contiguous()
                let mp = mc.basePointer(as: Bool.self)
                var counter = [Int](repeating: 0, count: k)
                for flat in 0..<mc.count {
                    if mp[flat] {
                        var o = 0
                        for j in 0..<k { o += counter[j] * strides[d + j] }
                        contributions.append(o)
                    }
                    var j = 0
                    while j < k {
                        counter[j] += 1
                        if counter[j] < axesShape[j] { break }
                        counter[j] = 0
                        j += 1
                    }
                }
                sel.axes.append(.explicit(contributions))
                d += k
            }
        }
        return sel
    }

    /// Python slice semantics: (first index, count, step) for `start:stop:step` on an axis of `size`.
    static func sliceBounds(_ start: Int?, _ stop: Int?, _ step: Int?, size: Int, operation: String) throws -> (Int, Int, Int) {
        let st = step ?? 1
        if st == 0 { throw ArrayError(operation, "slice step cannot be zero") }
        func clamp(_ v: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard var x = v else { return dflt }
            if x < 0 { x = x < -size ? lo : x + size }
            return Swift.min(Swift.max(x, lo), hi)
        }
        if st > 0 {
            let a = clamp(start, 0, lo: 0, hi: size)
            let b = clamp(stop, size, lo: 0, hi: size)
            let n = b > a ? (b - a - 1) / st + 1 : 0
            return (a, n, st)
        } else {
            let a = clamp(start, size - 1, lo: -1, hi: size - 1)
            let b = clamp(stop, -1, lo: -1, hi: size - 1)
            // A negative stop given explicitly that clamps to -1 means "before the beginning".
            // By magnitude: negating the most negative step would overflow.
            let n = a > b ? Int(UInt(a - b - 1) / st.magnitude) + 1 : 0
            return (a, n, st)
        }
    }

    /// `a[indices]`: a view for integers, slices, `:` and new axes; a copy when lists or masks are involved.
    public func get(_ indices: [Index]) throws -> NDArray {
        let sel = try selection(indices, operation: "index")
        if sel.isView {
            return view(shape: sel.shape, strides: sel.strides, offset: sel.offset)
        }
        return dtype.visit(GatherVisitor(source: self, selection: sel))
    }

    /// `a[indices] = value`, with `value` broadcast to the selection; the array is copied first if
    /// it shares storage (copy-on-write).
    public mutating func set(_ indices: [Index], to value: NDArray) throws {
        if value.dtype.isComplex && !dtype.isComplex {
            throw ArrayError("index assignment", "cannot store \(value.dtype) values in a \(dtype) array (use real() or abs(), or make the array complex)")
        }
        // Validate against the current layout first so an error leaves the array untouched.
        let probe = try selection(indices, operation: "index assignment")
        let b = try? Shape.broadcast(probe.shape, value.shape, operation: "index assignment")
        guard b == probe.shape else {
            throw ArrayError("index assignment", "cannot assign a value of shape \(Shape.text(value.shape)) to a selection of shape \(Shape.text(probe.shape))")
        }
        let wasUnique = isKnownUniquelyReferenced(&storage)
        makeUnique()
        let sel = wasUnique ? probe : try selection(indices, operation: "index assignment")
        let v = value.converted(to: dtype)
        if sel.isView {
            var target = view(shape: sel.shape, strides: sel.strides, offset: sel.offset)
            target.copyElements(from: v)
            return
        }
        dtype.visit(ScatterVisitor(target: storage.pointer, selection: sel, value: v))
    }
}

/// Calls `body(storageOffset, flatIndex)` for every element of a selection in column-major order.
private func forEachSelected(_ sel: Selection, _ body: (Int, Int) -> Void) {
    let shape = sel.shape
    let n = shape.reduce(1, *)
    if n == 0 { return }
    let k = sel.axes.count
    // Per axis, the contribution of position i.
    let tables: [[Int]] = sel.axes.map { axis in
        switch axis {
        case .strided(let size, let stride): return (0..<size).map { $0 * stride }
        case .explicit(let list): return list
        }
    }
    var counter = [Int](repeating: 0, count: k)
    var off = sel.offset + tables.reduce(0) { $0 + ($1.first ?? 0) }
    for flat in 0..<n {
        body(off, flat)
        var j = 0
        while j < k {
            let t = tables[j]
            off -= t[counter[j]]
            counter[j] += 1
            if counter[j] < t.count { off += t[counter[j]]; break }
            counter[j] = 0
            off += t[0]
            j += 1
        }
    }
}

private struct GatherVisitor: DTypeVisitor {
    let source: NDArray
    let selection: Selection
    func visit<T: NDElement>(_ type: T.Type) -> NDArray {
        let out = NDArray(knownShape: selection.shape, dtype: source.dtype)
        let dst = out.basePointer(as: T.self)
        let src = source.storage.pointer.assumingMemoryBound(to: T.self)
        forEachSelected(selection) { o, i in dst[i] = src[o] }
        withExtendedLifetime(source) {}
        return out
    }
}

private struct ScatterVisitor: DTypeVisitor {
    let target: UnsafeMutableRawPointer
    let selection: Selection
    let value: NDArray
    func visit<T: NDElement>(_ type: T.Type) {
        let dst = target.assumingMemoryBound(to: T.self)
        let shape = selection.shape
        // Value strides broadcast to the selection shape; convert flat index to value offset.
        let vs = Shape.broadcastStrides(shape: value.shape, strides: value.strides, to: shape)
        let vp = value.basePointer(as: T.self)
        if value.count == 1 {
            let v = vp[0]
            forEachSelected(selection) { o, _ in dst[o] = v }
            return
        }
        forEachSelected(selection) { o, flat in
            var r = flat, vo = 0
            for d in 0..<shape.count {
                vo += (r % shape[d]) * vs[d]
                r /= shape[d]
            }
            dst[o] = vp[vo]
        }
        withExtendedLifetime(value) {}
    }
}

import Foundation

extension NDArray {
    /// The same elements in a new shape, read in column-major order; one size may be -1 (inferred).
    /// A view when the array is contiguous, a copy otherwise.
    public func reshaped(_ newShape: [Int]) throws -> NDArray {
        var target = newShape
        let unknown = target.indices.filter { target[$0] == -1 }
        if unknown.count > 1 { throw ArrayError("reshape", "only one dimension can be -1, got \(Shape.text(newShape))") }
        if let u = unknown.first {
            var rest = target
            rest[u] = 1
            let known = try Shape.count(rest, operation: "reshape")
            guard known > 0, count % known == 0 else {
                throw ArrayError("reshape", "cannot reshape \(Shape.text(shape)) \(dtype) (\(count) elements) to \(Shape.text(newShape))")
            }
            target[u] = count / known
        }
        let n = try Shape.count(target, operation: "reshape")
        guard n == count else {
            throw ArrayError("reshape", "cannot reshape \(Shape.text(shape)) \(dtype) (\(count) elements) to \(Shape.text(newShape)) (\(n) elements)")
        }
        let c = contiguous()
        return c.view(shape: target, strides: Shape.columnMajorStrides(target), offset: c.offset)
    }

    /// Axes reordered: result axis i is this array's axis `order[i]` (a view).
    public func permuted(_ order: [Int]) throws -> NDArray {
        guard order.count == rank else {
            throw ArrayError("permute", "order \(Shape.text(order)) must list all \(rank) axes of an array of shape \(Shape.text(shape))")
        }
        let axes = try Shape.axes(order, rank: rank, operation: "permute")
        return view(shape: axes.map { shape[$0] }, strides: axes.map { strides[$0] }, offset: offset)
    }

    /// Axes in reverse order (for a matrix: the transpose), as a view.
    public func transposed() -> NDArray {
        view(shape: shape.reversed(), strides: strides.reversed(), offset: offset)
    }

    /// Without the given length-1 axes (all of them when `axes` is nil), as a view.
    public func squeezed(_ axes: [Int]? = nil) throws -> NDArray {
        var drop = Set<Int>()
        if let axes = axes {
            for a in try Shape.axes(axes, rank: rank, operation: "squeeze") {
                guard shape[a] == 1 else {
                    throw ArrayError("squeeze", "axis \(a) has length \(shape[a]), not 1 (shape \(Shape.text(shape)))")
                }
                drop.insert(a)
            }
        } else {
            drop = Set(shape.indices.filter { shape[$0] == 1 })
        }
        let keep = shape.indices.filter { !drop.contains($0) }
        return view(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: offset)
    }

    /// With a new length-1 axis inserted at `axis` (0…rank; negative counts from the end), as a view.
    public func expanded(_ axis: Int) throws -> NDArray {
        let a = try Shape.axis(axis, rank: rank + 1, operation: "expand")
        var sh = shape, st = strides
        sh.insert(1, at: a)
        st.insert(0, at: a)
        return view(shape: sh, strides: st, offset: offset)
    }

    /// Reversed along the given axes (all when nil), as a view.
    public func flipped(_ axes: [Int]? = nil) throws -> NDArray {
        let list = try axes.map { try Shape.axes($0, rank: rank, operation: "flip") } ?? Array(0..<rank)
        var st = strides, off = offset
        for a in list where shape[a] > 0 {
            off += (shape[a] - 1) * strides[a]
            st[a] = -strides[a]
        }
        return view(shape: shape, strides: st, offset: off)
    }

    /// Elements shifted circularly by `shifts[i]` along `axes[i]` (positive moves toward higher indices).
    public func rolled(_ shifts: [Int], axes: [Int]) throws -> NDArray {
        guard shifts.count == axes.count else {
            throw ArrayError("roll", "\(shifts.count) shifts given for \(axes.count) axes")
        }
        let ax = try Shape.axes(axes, rank: rank, operation: "roll")
        let out = NDArray(knownShape: shape, dtype: dtype)
        // Each axis splits into two blocks; copy the 2^k block pairs as strided views.
        var pieces: [([Index], [Index])] = [([], [])]
        for d in 0..<rank {
            guard let k = ax.firstIndex(of: d), shape[d] > 0 else {
                pieces = pieces.map { ($0.0 + [.all], $0.1 + [.all]) }
                continue
            }
            let n = shape[d]
            let s = ((shifts[k] % n) + n) % n
            if s == 0 {
                pieces = pieces.map { ($0.0 + [.all], $0.1 + [.all]) }
                continue
            }
            // out[s:] = in[:n-s], out[:s] = in[n-s:]
            pieces = pieces.flatMap { p -> [([Index], [Index])] in [
                (p.0 + [.slice(start: s, stop: nil, step: nil)], p.1 + [.slice(start: nil, stop: n - s, step: nil)]),
                (p.0 + [.slice(start: nil, stop: s, step: nil)], p.1 + [.slice(start: n - s, stop: nil, step: nil)]),
            ] }
        }
        for (dst, src) in pieces {
            let from = try get(src)
            let sel = try out.selection(dst, operation: "roll")
            var target = out.view(shape: sel.shape, strides: sel.strides, offset: sel.offset)
            target.copyElements(from: from)
        }
        return out
    }

    /// Moves the zero-frequency element to the centre (index n/2) along the axes (all when nil).
    public func fftshifted(_ axes: [Int]? = nil) throws -> NDArray {
        let list = try axes.map { try Shape.axes($0, rank: rank, operation: "fftshift") } ?? Array(0..<rank)
        return try rolled(list.map { shape[$0] / 2 }, axes: list)
    }

    /// Inverse of `fftshifted` (they differ for odd lengths).
    public func ifftshifted(_ axes: [Int]? = nil) throws -> NDArray {
        let list = try axes.map { try Shape.axes($0, rank: rank, operation: "ifftshift") } ?? Array(0..<rank)
        return try rolled(list.map { -(shape[$0] / 2) }, axes: list)
    }

    /// Padded with `before[i]`/`after[i]` elements of `value` on each axis.
    public func padded(before: [Int], after: [Int], value: Scalar = .int(0)) throws -> NDArray {
        guard before.count == rank && after.count == rank else {
            throw ArrayError("pad", "pad widths must give \(rank) axes for shape \(Shape.text(shape))")
        }
        guard !before.contains(where: { $0 < 0 }) && !after.contains(where: { $0 < 0 }) else {
            throw ArrayError("pad", "pad widths must be non-negative")
        }
        var newShape: [Int] = []
        for d in 0..<rank {
            let (s1, o1) = shape[d].addingReportingOverflow(before[d])
            let (s2, o2) = s1.addingReportingOverflow(after[d])
            if o1 || o2 { throw ArrayError("pad", "padded shape is too large") }
            newShape.append(s2)
        }
        let out = try NDArray.full(newShape, value: value, dtype: dtype, operation: "pad")
        let sel = try out.selection((0..<rank).map { .slice(start: before[$0], stop: before[$0] + shape[$0], step: nil) }, operation: "pad")
        var target = out.view(shape: sel.shape, strides: sel.strides, offset: sel.offset)
        target.copyElements(from: self)
        return out
    }

    /// Cropped or zero-padded to `target` on every axis, keeping the centre element (index n/2)
    /// at the centre (index m/2) — the convention of centred FFTs. Axes given as -1 keep their size.
    public func centerResized(_ target: [Int]) throws -> NDArray {
        guard target.count == rank else {
            throw ArrayError("resize", "target shape \(Shape.text(target)) must have \(rank) axes like \(Shape.text(shape))")
        }
        let goal = zip(target, shape).map { $0 == -1 ? $1 : $0 }
        if goal.contains(where: { $0 < 0 }) { throw ArrayError("resize", "negative size in \(Shape.text(target))") }
        // Crop first (a view), then pad what is still short.
        var idx: [Index] = []
        var before = [Int](repeating: 0, count: rank), after = before
        for d in 0..<rank {
            let n = shape[d], m = goal[d]
            if m < n {
                let start = n / 2 - m / 2
                idx.append(.slice(start: start, stop: start + m, step: nil))
            } else {
                idx.append(.all)
                before[d] = m / 2 - n / 2
                after[d] = m - n - before[d]
            }
        }
        let cropped = try get(idx)
        if before.allSatisfy({ $0 == 0 }) && after.allSatisfy({ $0 == 0 }) { return cropped.copy() }
        return try cropped.padded(before: before, after: after)
    }

    /// Arrays joined along an existing axis (types promoted).
    public static func concatenate(_ arrays: [NDArray], axis: Int) throws -> NDArray {
        guard let first = arrays.first else { throw ArrayError("concat", "needs at least one array") }
        let a = try Shape.axis(axis, rank: first.rank, operation: "concat")
        var total = 0
        var dtype = first.dtype
        for (k, x) in arrays.enumerated() {
            guard x.rank == first.rank else {
                throw ArrayError("concat", "array \(k) has rank \(x.rank) but array 0 has rank \(first.rank) (\(Shape.text(x.shape)) vs \(Shape.text(first.shape)))")
            }
            for d in 0..<first.rank where d != a && x.shape[d] != first.shape[d] {
                throw ArrayError("concat", "array \(k) of shape \(Shape.text(x.shape)) does not match \(Shape.text(first.shape)) outside axis \(a)")
            }
            total += x.shape[a]
            dtype = DType.promote(dtype, x.dtype)
        }
        var shape = first.shape
        shape[a] = total
        let out = try NDArray(uninitialized: shape, dtype: dtype, operation: "concat")
        var start = 0
        for x in arrays {
            var idx = [Index](repeating: .all, count: first.rank)
            idx[a] = .slice(start: start, stop: start + x.shape[a], step: nil)
            let sel = try out.selection(idx, operation: "concat")
            var target = out.view(shape: sel.shape, strides: sel.strides, offset: sel.offset)
            target.copyElements(from: x)
            start += x.shape[a]
        }
        return out
    }

    /// Arrays of one shape stacked along a new axis.
    public static func stack(_ arrays: [NDArray], axis: Int) throws -> NDArray {
        guard let first = arrays.first else { throw ArrayError("stack", "needs at least one array") }
        for (k, x) in arrays.enumerated() where x.shape != first.shape {
            throw ArrayError("stack", "array \(k) has shape \(Shape.text(x.shape)) but array 0 has \(Shape.text(first.shape))")
        }
        let a = try Shape.axis(axis, rank: first.rank + 1, operation: "stack")
        return try concatenate(arrays.map { try $0.expanded(a) }, axis: a)
    }
}

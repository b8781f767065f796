import NDArray

/// Comparing a student's value with the expected one (lesson exercises, tests): nil when they
/// agree — numbers and arrays within a relative tolerance — or a sentence saying what differs.
public enum Compare {
    public static func difference(_ got: Value, _ expected: Value, tolerance: Double = 1e-4) -> String? {
        switch (got, expected) {
        case (.array(let g), .array(let e)): return arrays(g, e, tolerance)
        case (.array(let g), _) where expected.scalar != nil && g.count == 1:
            return difference(Value(g.scalar(flat: 0)), expected, tolerance: tolerance)
        case (_, .array(let e)):
            guard let g = try? Convert.toArray(got) else {
                return "expected an array of shape \(Shape.text(e.shape)), got \(got.typeDescription)"
            }
            return arrays(g, e, tolerance)
        case (.list(let g), .list(let e)):
            if g.count != e.count { return "expected a list of \(e.count) items, got \(g.count)" }
            for (i, (x, y)) in zip(g, e).enumerated() {
                if let d = difference(x, y, tolerance: tolerance) { return "item \(i): \(d)" }
            }
            return nil
        case (.record(let g), .record(let e)):
            for k in e.keys {
                guard let x = g[k] else { return "the record lacks field '\(k)'" }
                if let d = difference(x, e[k] ?? .none, tolerance: tolerance) { return "field '\(k)': \(d)" }
            }
            return nil
        default:
            if let x = got.scalar, let y = expected.scalar {
                if x.kind == .complex || y.kind == .complex {
                    let a = x.asComplex, b = y.asComplex
                    let err = (a - b).magnitude
                    return err <= tolerance * Swift.max(1, b.magnitude) ? nil : "expected \(Display.repr(expected)), got \(Display.repr(got))"
                }
                if x.kind <= .int && y.kind <= .int {
                    return x.asInt == y.asInt ? nil : "expected \(Display.repr(expected)), got \(Display.repr(got))"
                }
                let a = x.asDouble, b = y.asDouble
                if a.isNaN && b.isNaN { return nil }
                return Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(b)) ? nil : "expected \(Display.repr(expected)), got \(Display.repr(got))"
            }
            if got.typeName != expected.typeName {
                return "expected a \(expected.typeName) (\(Display.repr(expected))), got a \(got.typeName) (\(Display.repr(got)))"
            }
            return (try? Operators.equal(got, expected)) == true ? nil : "expected \(Display.repr(expected)), got \(Display.repr(got))"
        }
    }

    static func arrays(_ g: NDArray, _ e: NDArray, _ tolerance: Double) -> String? {
        if g.shape != e.shape {
            return "expected shape \(Shape.text(e.shape)), got \(Shape.text(g.shape))"
        }
        if e.dtype.isComplex && !g.dtype.isComplex {
            return "expected complex values (\(e.dtype)), got \(g.dtype)"
        }
        guard let diff = try? NDArray.binary(.sub, .array(g), .array(e)),
              let num = try? diff.norm().item().asDouble, let den = try? e.norm().item().asDouble else {
            return "the values cannot be compared (\(g.summary) vs \(e.summary))"
        }
        if num.isNaN { return "the result contains NaN values" }
        if num <= tolerance * Swift.max(den, 1e-30) { return nil }
        return "the values differ: relative error \(String(format: "%.3g", num / Swift.max(den, 1e-30)))"
    }
}

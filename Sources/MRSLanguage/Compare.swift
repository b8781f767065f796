import NDArray

/// Comparing a student's value with the expected one (lesson exercises, tests): nil when they
/// agree — numbers and arrays within a relative tolerance — or a sentence saying what differs.
/// With `reveal: false` (a lesson's answer check) the sentence says what is wrong without giving
/// the expected value away: ":show" is there for that.
public enum Compare {
    public static func difference(_ got: Value, _ expected: Value, tolerance: Double = 1e-4, reveal: Bool = true) -> String? {
        /// "expected X, got Y", or without the answer "Y is not what the exercise asks for".
        func differs(_ extra: String = "") -> String {
            reveal ? "expected \(Display.repr(expected)), got \(Display.repr(got))"
                   : "\(Display.repr(got)) is not what the exercise asks for\(extra)"
        }
        switch (got, expected) {
        case (.array(let g), .array(let e)): return arrays(g, e, tolerance, reveal: reveal)
        case (.array(let g), _) where expected.scalar != nil && g.count == 1:
            return difference(Value(g.scalar(flat: 0)), expected, tolerance: tolerance, reveal: reveal)
        case (_, .array(let e)):
            guard let g = try? Convert.toArray(got) else {
                return reveal ? "expected an array of shape \(Shape.text(e.shape)), got \(got.typeDescription)"
                              : "expected an array, got \(got.typeDescription)"
            }
            return arrays(g, e, tolerance, reveal: reveal)
        case (.list(let g), .list(let e)):
            if g.count != e.count {
                return reveal ? "expected a list of \(e.count) items, got \(g.count)"
                              : "the list has \(g.count) item\(g.count == 1 ? "" : "s"), \(g.count < e.count ? "fewer" : "more") than the exercise asks for"
            }
            for (i, (x, y)) in zip(g, e).enumerated() {
                if let d = difference(x, y, tolerance: tolerance, reveal: reveal) { return "item \(i): \(d)" }
            }
            return nil
        case (.record(let g), .record(let e)):
            for k in e.keys {
                guard let x = g[k] else { return "the record lacks field '\(k)'" }
                if let d = difference(x, e[k] ?? .none, tolerance: tolerance, reveal: reveal) { return "field '\(k)': \(d)" }
            }
            return nil
        default:
            if let x = got.scalar, let y = expected.scalar {
                if x.kind == .complex || y.kind == .complex {
                    let a = x.asComplex, b = y.asComplex
                    let err = (a - b).magnitude
                    return err <= tolerance * Swift.max(1, b.magnitude) ? nil : differs()
                }
                // Real numbers: without the answer, at least say which way it is off.
                let a = x.asDouble, b = y.asDouble
                let side = a > b ? " (it is too large)" : " (it is too small)"
                if x.kind <= .int && y.kind <= .int {
                    return x.asInt == y.asInt ? nil : differs(side)
                }
                if a.isNaN && b.isNaN { return nil }
                return Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(b)) ? nil : differs(a.isNaN ? "" : side)
            }
            if got.typeName != expected.typeName {
                return reveal ? "expected a \(expected.typeName) (\(Display.repr(expected))), got a \(got.typeName) (\(Display.repr(got)))"
                              : "expected a \(expected.typeName), got a \(got.typeName) (\(Display.repr(got)))"
            }
            return (try? Operators.equal(got, expected)) == true ? nil : differs()
        }
    }

    static func arrays(_ g: NDArray, _ e: NDArray, _ tolerance: Double, reveal: Bool = true) -> String? {
        if g.shape != e.shape {
            return reveal ? "expected shape \(Shape.text(e.shape)), got \(Shape.text(g.shape))"
                          : "the shape \(Shape.text(g.shape)) is not the one the exercise asks for"
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

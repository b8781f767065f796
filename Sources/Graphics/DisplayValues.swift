import Foundation
import NDArray

/// What a snapshot shows of each element.
public enum SnapshotMode: String, Sendable, CaseIterable {
    /// |x|, the default.
    case magnitude
    /// arg(x) in −π…π (0 or π for real data).
    case phase
    /// The real part (signed).
    case real
    /// The imaginary part (signed; zero for real data).
    case imag
    /// Colourised phase: hue from arg(x), brightness from |x|.
    case complex

    /// Accepts the case names and common aliases (`abs`, `mag`, `angle`, `re`, `im`, `color`…).
    public init?(name: String) {
        switch name.lowercased() {
        case "magnitude", "mag", "abs": self = .magnitude
        case "phase", "angle", "arg": self = .phase
        case "real", "re": self = .real
        case "imag", "im", "imaginary": self = .imag
        case "complex", "color", "colour", "colorized", "colourised": self = .complex
        default: return nil
        }
    }

    /// True for the modes whose values have a sign (drawn centred on zero).
    public var isSigned: Bool { self == .real || self == .imag }
}

/// Per-element display values of an array, contiguous in column-major order.
struct DisplayValues {
    /// The value that is scaled and coloured (magnitude in complex mode).
    var values: [Float]
    /// Phase in −π…π, only in complex mode.
    var phase: [Float]?

    /// Converts any array (bool, integer, real, complex) into what `mode` shows.
    init(_ array: NDArray, mode: SnapshotMode, operation: String) throws {
        let n = array.count
        if array.dtype.isComplex {
            let c = try array.astype(.complex64, operation: operation)
            var out = [Float](repeating: 0, count: n)
            var phase = [Float](repeating: 0, count: mode == .complex ? n : 0)
            try c.withUnsafeBufferPointer(as: Complex64.self) { src in
                try out.withUnsafeMutableBufferPointer { dst in
                    try phase.withUnsafeMutableBufferPointer { ph in
                        try ParallelFor.chunks(count: n, grain: 1 << 16) { range in
                            for i in range {
                                let z = src[i]
                                switch mode {
                                case .magnitude: dst[i] = z.magnitude
                                case .phase: dst[i] = z.phase
                                case .real: dst[i] = z.re
                                case .imag: dst[i] = z.im
                                case .complex:
                                    dst[i] = z.magnitude
                                    ph[i] = z.phase
                                }
                            }
                        }
                    }
                }
            }
            values = out
            self.phase = mode == .complex ? phase : nil
        } else {
            let r = try array.astype(.float32, operation: operation).toArray(Float.self)
            switch mode {
            case .real: values = r
            case .imag: values = r.map { $0.isNaN ? $0 : 0 }
            case .magnitude: values = r.map { abs($0) }
            case .phase: values = r.map { $0.isNaN ? $0 : ($0 < 0 ? .pi : 0) }
            case .complex:
                values = r.map { abs($0) }
                phase = r.map { $0.isNaN ? $0 : ($0 < 0 ? .pi : 0) }
            }
        }
    }
}

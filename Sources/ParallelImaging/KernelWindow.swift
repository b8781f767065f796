import NDArray

/// The grid window around a target point: kRO readout points × W1 lines × W2 partitions, with
/// W = (k − 1)·R + 1 made odd and centred on the target line, so that a regularly undersampled
/// target sees k acquired lines (R = 2, kE1 = 4 → lines −3, −1, +1, +3). Offsets are numbered
/// readout fastest, then E1, then E2.
struct KernelWindow: Sendable, Hashable {
    let kRO: Int, w1: Int, w2: Int
    /// Smallest readout offset (kRO = 5 → −2 … 2; kRO = 4 → −2 … 1, like PyGrappa).
    let roMin: Int
    var roMax: Int { roMin + kRO - 1 }
    var h1: Int { w1 / 2 }
    var h2: Int { w2 / 2 }
    /// Number of offsets in the window.
    var count: Int { kRO * w1 * w2 }
    /// Index of offset (0, 0, 0), the target itself.
    var centre: Int { index(0, 0, 0) }
    var shape: [Int] { [kRO, w1, w2] }

    init(kernel: [Int], acceleration: [Int], is3D: Bool) {
        func span(_ k: Int, _ r: Int) -> Int {
            let w = (k - 1) * r + 1
            return w % 2 == 0 ? w + 1 : w
        }
        kRO = kernel[0]
        roMin = -(kernel[0] / 2)
        w1 = span(kernel[1], acceleration[0])
        w2 = is3D ? span(kernel.count > 2 ? kernel[2] : 1, acceleration.count > 1 ? acceleration[1] : 1) : 1
    }

    @inline(__always) func index(_ dr: Int, _ d1: Int, _ d2: Int) -> Int {
        (dr - roMin) + kRO * ((d1 + h1) + w1 * (d2 + h2))
    }

    /// (dr, d1, d2) of offset index k.
    @inline(__always) func offset(_ k: Int) -> (Int, Int, Int) {
        (k % kRO + roMin, (k / kRO) % w1 - h1, k / (kRO * w1) - h2)
    }

    /// Linear element distance of offset k in an array with `ro` readout points and `e1` lines.
    @inline(__always) func delta(_ k: Int, ro: Int, e1: Int) -> Int {
        let (dr, d1, d2) = offset(k)
        return dr + ro * (d1 + e1 * d2)
    }
}

/// The acquired offsets of the window around one missing point, as a bit set: the key by which
/// GRAPPA weights are solved and cached.
struct SamplingPattern: Hashable, Sendable {
    var bits: [UInt64]

    init(count: Int) { bits = [UInt64](repeating: 0, count: (count + 63) / 64) }

    @inline(__always) mutating func insert(_ k: Int) { bits[k >> 6] |= 1 << UInt64(k & 63) }
    @inline(__always) func contains(_ k: Int) -> Bool { bits[k >> 6] & (1 << UInt64(k & 63)) != 0 }
    var isEmpty: Bool { bits.allSatisfy { $0 == 0 } }

    /// The offset indices in the set, ascending.
    func members(upTo count: Int) -> [Int] { (0..<count).filter { contains($0) } }
}

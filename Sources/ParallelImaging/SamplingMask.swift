import NDArray

/// Which phase-encoding lines of a Cartesian acquisition were acquired: a boolean grid over
/// [E1, E2] (E1 fastest), one entry per readout line.
public struct SamplingMask: Sendable, Hashable {
    /// Number of E1 lines.
    public let e1: Int
    /// Number of E2 partitions (1 for 2-D data).
    public let e2: Int
    /// acquired[e1 + E1·e2] is true when that line was measured.
    public let acquired: [Bool]

    /// A mask from explicit values (E1 fastest); the count must be e1·e2.
    public init(e1: Int, e2: Int = 1, acquired: [Bool]) throws {
        guard e1 >= 1, e2 >= 1, acquired.count == e1 * e2 else {
            throw ArrayError("sampling", "\(acquired.count) mask values do not fill [E1, E2] = \(Shape.text([e1, e2]))")
        }
        self.e1 = e1
        self.e2 = e2
        self.acquired = acquired
    }

    /// A mask from a boolean (or numeric, nonzero = acquired) array [E1] or [E1, E2].
    public init(_ array: NDArray) throws {
        guard array.rank == 1 || array.rank == 2 else {
            throw ArrayError("sampling", "mask must be [E1] or [E1, E2], got shape \(Shape.text(array.shape))")
        }
        let values = try array.astype(.float64, operation: "sampling").toArray(Double.self)
        try self.init(e1: array.shape[0], e2: array.rank == 2 ? array.shape[1] : 1, acquired: values.map { $0 != 0 })
    }

    /// Infers the mask from k-space `[RO, E1, E2, CHA]` (or `[RO, E1, CHA]`): a line counts as
    /// acquired when any sample on it, in any channel, is nonzero (missing lines are exact zeros).
    public static func infer(from data: NDArray) throws -> SamplingMask {
        let k = try KSpace(data, operation: "sampling")
        let ro = k.ro, lines = k.e1 * k.e2, cs = k.channelStride
        var acquired = [Bool](repeating: false, count: lines)
        let p = k.pointer
        for line in 0..<lines {
            search: for c in 0..<k.channels {
                let base = p + line * ro + c * cs
                for r in 0..<ro where base[r].re != 0 || base[r].im != 0 {
                    acquired[line] = true
                    break search
                }
            }
        }
        withExtendedLifetime(k) {}
        return try SamplingMask(e1: k.e1, e2: k.e2, acquired: acquired)
    }

    /// True when line (i, j) is inside the grid and acquired.
    @inline(__always) func isAcquired(_ i: Int, _ j: Int) -> Bool {
        i >= 0 && i < e1 && j >= 0 && j < e2 && acquired[i + e1 * j]
    }

    /// Number of acquired lines.
    public var acquiredCount: Int { acquired.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// The largest fully sampled box of lines around the centre (E1/2, E2/2), as half-open ranges;
    /// nil when the centre line itself is missing. Grown isotropically first, then stretched
    /// along each axis (like PyGrappa's find_acs).
    public func fullySampledCentre() -> (e1: Range<Int>, e2: Range<Int>)? {
        let c1 = e1 / 2, c2 = e2 / 2
        guard isAcquired(c1, c2) else { return nil }
        var lo = [c1, c2], hi = [c1 + 1, c2 + 1]
        let size = [e1, e2]
        func full(_ l: [Int], _ h: [Int]) -> Bool {
            guard l[0] >= 0, l[1] >= 0, h[0] <= e1, h[1] <= e2 else { return false }
            for j in l[1]..<h[1] { for i in l[0]..<h[0] where !acquired[i + e1 * j] { return false } }
            return true
        }
        // Grow along every axis that still has room, together, while the box stays full.
        while true {
            var l = lo, h = hi
            var grew = false
            for d in 0..<2 where size[d] > 1 && l[d] > 0 && h[d] < size[d] { l[d] -= 1; h[d] += 1; grew = true }
            if !grew || !full(l, h) { break }
            lo = l; hi = h
        }
        for d in 0..<2 {
            while lo[d] > 0 { var l = lo; l[d] -= 1; if full(l, hi) { lo = l } else { break } }
            while hi[d] < size[d] { var h = hi; h[d] += 1; if full(lo, h) { hi = h } else { break } }
        }
        return (lo[0]..<hi[0], lo[1]..<hi[1])
    }

    /// Infers the acceleration [R_E1, R_E2]: along each axis, the most common gap between
    /// consecutive acquired lines (a line counts when acquired in any partition of the other
    /// axis), ignoring gaps inside the fully sampled centre. Throws when it cannot be told.
    public func inferAcceleration() throws -> [Int] {
        let centre = fullySampledCentre()
        var result: [Int] = []
        for axis in 0..<2 {
            let n = axis == 0 ? e1 : e2
            if n == 1 { result.append(1); continue }
            var lines: [Int] = []
            for i in 0..<n {
                var any = false
                for j in 0..<(axis == 0 ? e2 : e1) where axis == 0 ? acquired[i + e1 * j] : acquired[j + e1 * i] { any = true; break }
                if any { lines.append(i) }
            }
            let block = centre.map { axis == 0 ? $0.e1 : $0.e2 } ?? 0..<0
            var gaps: [Int: Int] = [:]
            for (a, b) in zip(lines, lines.dropFirst()) where !(block.contains(a) && block.contains(b)) {
                gaps[b - a, default: 0] += 1
            }
            if lines.count == n { result.append(1); continue }
            // Most common gap; ties go to the larger factor (the safer, wider window).
            guard let best = gaps.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }) else {
                throw ArrayError("grappa", "cannot infer the acceleration along \(axis == 0 ? "E1" : "E2"): only \(lines.count) of \(n) lines acquired outside the calibration block; give acceleration=")
            }
            result.append(best.key)
        }
        return result
    }
}

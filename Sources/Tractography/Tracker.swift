import ArrayFormats
import Foundation
import NDArray

/// Streamline tracking through a tensor field: from each seed both ways, step by step, until
/// FA, mask, angle, volume edge or length stop it. Work is spread over all cores by seed; the
/// output order is the seed order whatever the scheduling.
public final class Tracker: @unchecked Sendable {
    /// The options, validated.
    public let options: TrackingOptions
    /// Voxel → world (RAS+ mm) affine, 4×4 row-major.
    public let affine: [[Double]]
    let fit: DTIFit
    let worldToVoxel: [[Double]]
    let inside: [Bool]?
    let fa: [Float]
    /// Step per axis in voxel units along a unit direction (step / voxel size).
    let voxelStep: SIMD3<Double>
    let cosMax: Double
    let sphere: [SIMD3<Double>]
    /// For each sphere direction, the sphere directions within the angle cone around it, in sphere
    /// order: after the first step the previous direction is a sphere direction, so a step only
    /// looks at its cone (about 7 % of the sphere at 30°) instead of testing all of it.
    let cones: [[Int32]]

    /// Prepares tracking through `fit` whose voxels map to world by `affine`.
    public init(fit: DTIFit, affine: [[Double]], options: TrackingOptions = TrackingOptions()) throws {
        self.options = try options.validated()
        self.affine = try checkedAffine(affine, operation: "track")
        guard let inverse = invert4(affine) else { throw ArrayError("track", "the affine is singular") }
        worldToVoxel = inverse
        self.fit = fit
        inside = try maskValues(options.mask, dims: fit.dims, operation: "track")
        fa = (0..<fit.voxelCount).map { fit.fa(voxel: $0) }
        let sizes = (0..<3).map { j in (0..<3).map { affine[$0][j] * affine[$0][j] }.reduce(0, +).squareRoot() }
        voxelStep = SIMD3(options.stepSize / sizes[0], options.stepSize / sizes[1], options.stepSize / sizes[2])
        cosMax = cos(options.maxAngle * .pi / 180)
        let sphere = options.method == .probabilistic ? fibonacciSphere(options.sphereDirections) : []
        self.sphere = sphere
        let cosMax = self.cosMax
        cones = sphere.map { u in sphere.indices.filter { (sphere[$0] * u).sum() >= cosMax }.map { Int32($0) } }
    }

    /// Tracks from seeds given as a [3, n] array of world coordinates (mm).
    public func track(seeds: NDArray) throws -> Streamlines {
        try track(worldSeeds: try Seeds.points(seeds))
    }

    /// Tracks from seed points in world coordinates (mm).
    public func track(worldSeeds: [SIMD3<Double>]) throws -> Streamlines {
        let n = worldSeeds.count
        let chunks = Swift.max(1, Swift.min(n, 512))
        var results = [Streamlines](repeating: Streamlines(), count: chunks)
        let stopped = LockedFlag()
        results.withUnsafeMutableBufferPointer { out in
            let out = out
            ParallelFor.run(chunks) { c in
                var lines = Streamlines()
                for i in (n * c / chunks)..<(n * (c + 1) / chunks) {
                    if Interrupt.isRequested || stopped.isSet { stopped.set(); break }
                    if let line = streamline(from: apply(worldToVoxel, worldSeeds[i]), index: i) { lines.append(line) }
                }
                out[c] = lines
            }
        }
        if stopped.isSet { try Interrupt.check(); throw InterruptedError() }
        var all = Streamlines()
        for r in results { all.append(contentsOf: r) }
        return all
    }

    /// One streamline from a voxel-coordinate seed, in world coordinates, or nil if too short.
    func streamline(from seed: SIMD3<Double>, index: Int) -> [SIMD3<Float>]? {
        guard let v0 = voxelIndex(seed) else { return nil }
        var rng = RandomSource(seed: options.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let initial = SIMD3<Double>(fit.principal(voxel: v0))
        guard (initial * initial).sum() > 0.5 else { return nil }
        let maxSteps = Int(options.maxLength / options.stepSize)
        let forward = walk(from: seed, direction: initial, budget: maxSteps, rng: &rng)
        let backward = walk(from: seed, direction: -initial, budget: maxSteps - forward.count, rng: &rng)
        let points = backward.reversed() + [seed] + forward
        guard points.count >= 2, Double(points.count - 1) * options.stepSize >= options.minLength else { return nil }
        return points.map { p in let w = apply(affine, p); return SIMD3(Float(w.x), Float(w.y), Float(w.z)) }
    }

    /// Points after `start` (voxel coordinates) until a stopping rule, at most `budget` steps.
    private func walk(from start: SIMD3<Double>, direction: SIMD3<Double>, budget: Int, rng: inout RandomSource) -> [SIMD3<Double>] {
        var out: [SIMD3<Double>] = []
        var p = start, previous = direction
        var previousIndex: Int? = nil
        while out.count < budget {
            let next: SIMD3<Double>?
            switch options.method {
            case .deterministic: next = deterministicDirection(at: p, previous: previous)
            case .probabilistic:
                let drawn = probabilisticDirection(at: p, previous: previous, previousIndex: previousIndex, rng: &rng)
                next = drawn.map { sphere[$0] }
                previousIndex = drawn
            }
            guard let d = next else { break }
            p += d * voxelStep
            // Outside the image: the point is dropped (DIPY's OUTSIDEIMAGE).
            guard let v = voxelIndex(p) else { break }
            out.append(p)
            // Below the FA threshold or outside the mask: the point is kept as the end (ENDPOINT).
            if let inside, !inside[v] { break }
            if options.faThreshold > 0 && Double(trilinearFA(p)) < options.faThreshold { break }
            previous = d
        }
        return out
    }

    /// The voxel containing p (nearest centre), or nil outside the volume.
    @inline(__always) func voxelIndex(_ p: SIMD3<Double>) -> Int? {
        let d = fit.dims
        // Checked in floating point first: a far or non-finite point must not reach Int().
        guard p.x >= -0.5, p.y >= -0.5, p.z >= -0.5, p.x < Double(d[0]) - 0.5, p.y < Double(d[1]) - 0.5, p.z < Double(d[2]) - 0.5 else { return nil }
        let x = Int((p.x + 0.5).rounded(.down)), y = Int((p.y + 0.5).rounded(.down)), z = Int((p.z + 0.5).rounded(.down))
        guard p.x >= -0.5, p.y >= -0.5, p.z >= -0.5, x < d[0], y < d[1], z < d[2], x >= 0, y >= 0, z >= 0 else { return nil }
        return x + d[0] * (y + d[1] * z)
    }

    /// The 8 neighbours of p (clamped at the edges) and their trilinear weights.
    @inline(__always) func neighbours(_ p: SIMD3<Double>, _ body: (Int, Double) -> Void) {
        let d = fit.dims
        let f = p.rounded(.down)
        let t = p - f
        let x0 = Int(f.x), y0 = Int(f.y), z0 = Int(f.z)
        for k in 0..<2 {
            let z = Swift.min(Swift.max(z0 + k, 0), d[2] - 1), wz = k == 0 ? 1 - t.z : t.z
            for j in 0..<2 {
                let y = Swift.min(Swift.max(y0 + j, 0), d[1] - 1), wy = j == 0 ? 1 - t.y : t.y
                for i in 0..<2 {
                    let x = Swift.min(Swift.max(x0 + i, 0), d[0] - 1), wx = i == 0 ? 1 - t.x : t.x
                    let w = wx * wy * wz
                    if w > 0 { body(x + d[0] * (y + d[1] * z), w) }
                }
            }
        }
    }

    /// FA interpolated trilinearly at p.
    func trilinearFA(_ p: SIMD3<Double>) -> Float {
        var s = 0.0
        neighbours(p) { v, w in s += w * Double(fa[v]) }
        return Float(s)
    }

    /// The next deterministic direction, or nil when none lies within the angle cone.
    func deterministicDirection(at p: SIMD3<Double>, previous: SIMD3<Double>) -> SIMD3<Double>? {
        var sum = SIMD3<Double>(0, 0, 0)
        switch options.interpolation {
        case .nearest:
            guard let v = voxelIndex(p) else { return nil }
            sum = SIMD3<Double>(fit.principal(voxel: v))
            if (sum * previous).sum() < 0 { sum = -sum }
        case .trilinear:
            neighbours(p) { v, w in
                let e = SIMD3<Double>(fit.principal(voxel: v))
                sum += (e * previous).sum() < 0 ? -w * e : w * e
            }
        }
        let norm = (sum * sum).sum().squareRoot()
        guard norm > 1e-12 else { return nil }
        let d = sum / norm
        return (d * previous).sum() >= cosMax ? d : nil
    }

    /// A direction drawn from the nearest voxel's tensor ODF, ∝ (uᵀD⁻¹u)^(−3/2), over the sphere
    /// directions within the angle cone of `previous` (the sphere direction `previousIndex` after
    /// the first step); returns its index on the sphere.
    func probabilisticDirection(at p: SIMD3<Double>, previous: SIMD3<Double>, previousIndex: Int?, rng: inout RandomSource) -> Int? {
        guard let v = voxelIndex(p) else { return nil }
        let l1 = Double(fit.evalues[v * 3])
        guard l1 > 0 else { return nil }
        // Clipping tiny eigenvalues keeps the ODF finite for flat or degenerate tensors.
        let floor = 1e-3 * l1
        let inv = SIMD3<Double>(1 / Swift.max(Double(fit.evalues[v * 3]), floor), 1 / Swift.max(Double(fit.evalues[v * 3 + 1]), floor),
                                1 / Swift.max(Double(fit.evalues[v * 3 + 2]), floor))
        @inline(__always) func vector(_ k: Int) -> SIMD3<Double> {
            SIMD3(Double(fit.evectors[v * 9 + 3 * k]), Double(fit.evectors[v * 9 + 3 * k + 1]), Double(fit.evectors[v * 9 + 3 * k + 2]))
        }
        let e0 = vector(0), e1 = vector(1), e2 = vector(2)
        // Once per step of every streamline: the cone's cumulative ODF goes into scratch space on
        // the stack, not into a new array each time.
        return withUnsafeTemporaryAllocation(of: (Int, Double).self, capacity: sphere.count) { candidates -> Int? in
            var count = 0
            var total = 0.0
            @inline(__always) func add(_ j: Int) {
                let u = sphere[j]
                let a = (u * e0).sum(), b = (u * e1).sum(), c = (u * e2).sum()
                let q = a * a * inv.x + b * b * inv.y + c * c * inv.z
                total += 1 / (q * q.squareRoot())
                candidates[count] = (j, total)
                count += 1
            }
            if let i = previousIndex {
                for j in cones[i] { add(Int(j)) }
            } else {
                for j in sphere.indices where (sphere[j] * previous).sum() >= cosMax { add(j) }
            }
            guard total > 0, count > 0 else { return nil }
            let r = rng.uniform() * total
            var lo = 0, hi = count - 1
            while lo < hi { let mid = (lo + hi) / 2; if candidates[mid].1 > r { hi = mid } else { lo = mid + 1 } }
            return candidates[lo].0
        }
    }
}

/// Nearly uniform unit vectors (a Fibonacci lattice).
func fibonacciSphere(_ n: Int) -> [SIMD3<Double>] {
    let golden = Double.pi * (3 - 5.0.squareRoot())
    return (0..<n).map { i in
        let z = 1 - 2 * (Double(i) + 0.5) / Double(n)
        let r = (1 - z * z).squareRoot()
        let phi = golden * Double(i)
        return SIMD3(r * cos(phi), r * sin(phi), z)
    }
}


import MRSLanguage
import NDArray
import ParallelImaging

/// Cartesian sampling masks (uniform, variable-density random, Poisson disc, CAIPIRINHA) and
/// retrospective undersampling of fully sampled k-space or buffers.
enum SamplingBuiltins {
    static let family = "sampling"

    /// Mask options from (shape, R, calib=, seed=); R is one factor or one per axis.
    static func options(_ a: Args, integerFactors: Bool) throws -> MaskOptions {
        let shape = try a.shape("shape")
        var r: [Double]
        switch a["R"] {
        case .list:
            r = try a.ints("R").map(Double.init)
        default:
            r = [try a.double("R")]
        }
        if integerFactors, r.contains(where: { $0 != $0.rounded() }) {
            throw a.bad("R", expected: "whole acceleration factors for this mask, got \(r)")
        }
        let calib: [Int]
        switch a["calib"] {
        case .list: calib = try a.ints("calib")
        default: calib = [try a.int("calib")]
        }
        var seed: UInt64? = nil
        if !a.isNone("seed") {
            let s = try a.int("seed")
            guard s >= 0 else { throw a.bad("seed", expected: "an integer ≥ 0, got \(s)") }
            seed = UInt64(s)
        }
        return MaskOptions(shape: shape, acceleration: r, calibration: calib, seed: seed)
    }

    /// The sampling record of a buffer with the mask's acceleration and the mask itself added.
    static func sampling(_ old: Value?, mask: NDArray) throws -> Value {
        var r: Record
        if case .record(let s)? = old { r = s } else { r = Record([], path: "sampling") }
        let d = try Masks.describe(mask)
        r["mask"] = .array(mask)
        r["acceleration"] = .float(d.acceleration)
        r["calibration"] = .list(d.calibration.map { .int($0) })
        return .record(r)
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("mask_uniform(shape, R, calib=24, seed=none, partial_fourier=1.0)", family: family,
                     summary: "An equispaced sampling mask [E1] or [E1, E2] (bool): every R-th line (R = [R1, R2] for both axes), a fully sampled calib block at the centre, optionally partial Fourier.",
                     description: "Lines i with i ≡ offset (mod R) are acquired; the offset is 0, or random in 0…R−1 with seed=. With one factor on a 2-D grid only E1 is undersampled. calib is the size of the centred ACS block (a number, or [c1, c2]); partial_fourier=f < 1 drops the first (1 − f)·E1 lines (the early side, as scanners do). mask_info(m) reports the acceleration and calibration block.",
                     example: "m = mask_uniform([128], 3, calib=24)\nm2 = mask_uniform([128, 64], [2, 2], calib=[24, 16], partial_fourier=0.75)\nmask_info(m)") { a in
            var o = try options(a, integerFactors: true)
            // An R out of range is Masks.uniform's error (named there), not a trap converting it here.
            let factor = o.acceleration[0]
            let r = factor.isFinite && factor >= 1 && factor <= 1024 ? Int(factor.rounded()) : 1
            let offset = o.seed.map { s -> Int in var g = RandomSource(seed: s); return Int(g.next() % UInt64(max(1, r))) } ?? 0
            o.seed = nil
            return .array(try Masks.uniform(o, partialFourier: try a.double("partial_fourier"), offset: offset))
        },
        BuiltinEntry("mask_random(shape, R, calib=24, seed=0, power=2.0)", family: family,
                     summary: "A variable-density random mask [E1] (lines) or [E1, E2] (points), bool: the calib block plus exactly enough points, denser near the centre, for acceleration R; the same seed gives the same mask.",
                     description: "Points outside the calibration block are drawn without replacement with probability ∝ (1 − r/√D)^power, r the distance from the centre normalised to 1 at the edge of each axis (D the number of axes); power=0 gives uniform random sampling. The number acquired is round(total / R), so the acceleration is R up to rounding.",
                     example: "m = mask_random([128], 4, calib=16, seed=1)\nm2 = mask_random([64, 64], 6, calib=[16, 16], seed=2)\nmask_info(m2)") { a in
            .array(try Masks.random(try options(a, integerFactors: false), power: try a.double("power")))
        },
        BuiltinEntry("mask_poisson(shape, R, calib=24, seed=0, vd=1.0)", family: family,
                     summary: "A variable-density Poisson-disc mask [E1, E2] (bool): points no closer than r0·(1 + vd·ρ) grid steps to each other (ρ the normalised distance from the centre), r0 chosen for acceleration R, plus the calib block.",
                     description: "Dart throwing in a seeded random order: a point is kept when no kept point lies within its radius, so every pair of kept points is at least the smaller of their radii apart (the test checks it). r0 is found by bisection so that the number acquired is as close as it gets to total / R (mask_info reports the reached acceleration). vd=0 gives a uniform-density Poisson disc.",
                     example: "m = mask_poisson([96, 96], 4, calib=[20, 20], seed=3)\nmask_info(m)\nsnapshot(m, \"poisson.png\")") { a in
            .array(try Masks.poisson(try options(a, integerFactors: false), variableDensity: try a.double("vd")))
        },
        BuiltinEntry("mask_caipi(shape, R, calib=24, seed=none, shift=1)", family: family,
                     summary: "A 2-D CAIPIRINHA mask [E1, E2] (bool): every R2-th partition, in it every R1-th line, each acquired partition's lines moved by shift more than the previous one's; R = [R1, R2]; plus the calib block.",
                     description: "shift=0 gives the regular R1 × R2 grid; R = [2, 1] with shift 1 is the checkerboard 2 × 1 pattern. seed= is accepted for a uniform signature and not used (the pattern is deterministic).",
                     example: "m = mask_caipi([64, 64], [2, 2], calib=[16, 16], shift=1)\nmask_info(m)") { a in
            let o = try options(a, integerFactors: true)
            return .array(try Masks.caipi(o, shift: try a.int("shift")))
        },
        BuiltinEntry("mask_info(mask)", family: family,
                     summary: "The acceleration (points / acquired), number acquired and fully sampled calibration block of a mask [E1] or [E1, E2] (or of a buffer's .sampling.mask): a record.",
                     example: "info = mask_info(mask_random([128], 3, calib=20, seed=1))\nprint(info.acceleration, info.calibration)") { a in
            let m = try a.array("mask")
            let d = try Masks.describe(m)
            return .record(Record([("acceleration", .float(d.acceleration)), ("acquired", .int(d.acquired)),
                                   ("total", .int(m.count)), ("calibration", .list(d.calibration.map { .int($0) }))], path: "mask_info"))
        },
        BuiltinEntry("undersample(k, mask)", family: family,
                     summary: "Retrospective undersampling: k-space [RO, E1, …] (or a buffer) with the lines where mask [E1] (or [E1, E2]) is false set to zero; a buffer comes back as a buffer whose .sampling records the mask.",
                     description: "Every readout point, channel and trailing index (N, S, SLC) of a missing line is zeroed (complex64). A buffer keeps its .ref and .headers; its .sampling gains mask, acceleration and calibration, so grappa(b), spirit(b) and reconstruct(b) treat it as an accelerated acquisition with embedded calibration lines.",
                     example: "b = buffer(ismrmrd(\"datasets/cart_r2_embedded.h5\"), remove_oversampling=true)[0]\nfull = grappa(b)\nu = undersample(full, mask_random([64], 3, calib=16, seed=1))") { a in
            let mask = try a.array("mask")
            switch a["k"] {
            case .record(var r):
                guard case .array(let d)? = r["data"] else { throw a.bad("k", expected: "k-space or a buffer with .data") }
                r["data"] = .array(try Masks.undersample(d, mask: mask))
                r["sampling"] = try sampling(r["sampling"], mask: mask)
                return .record(r)
            default:
                return .array(try Masks.undersample(try a.array("k"), mask: mask))
            }
        },
    ]
}

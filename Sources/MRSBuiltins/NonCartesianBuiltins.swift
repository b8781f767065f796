import Foundation
import MRSLanguage
import NDArray
import NonCartesian
import Recon

/// Non-Cartesian imaging: NUFFT (one call or a reusable plan), trajectories, density
/// compensation and gridding.
enum NonCartesianBuiltins {
    static let family = "non-Cartesian"

    /// The units named by argument `units`.
    static func units(_ a: Args) throws -> TrajectoryUnits {
        switch try a.string("units").lowercased() {
        case "cycles", "cycles/fov", "bart": return .cyclesPerFOV
        case "radians", "finufft": return .radians
        case "normalized", "normalised", "sigpy": return .normalized
        case let other:
            throw a.error("units= must be \"cycles\" (cycles per FOV, [−N/2, N/2)), \"radians\" ([−π, π)) or \"normalized\" ([−0.5, 0.5)), got \"\(other)\"", kind: .argument)
        }
    }

    /// NUFFT options from `tol` and `oversampling`, checked.
    static func options(_ a: Args) throws -> NUFFTOptions {
        let tol = try a.double("tol"), sigma = try a.double("oversampling")
        guard tol.isFinite, tol >= 1e-14, tol <= 0.1 else {
            throw a.error("tol= must be between 1e-14 and 0.1 (about 1e-5 is the limit in single precision), got \(tol)", kind: .argument)
        }
        guard sigma == 2 || sigma == 1.25 else {
            throw a.error("oversampling= must be 2.0 or 1.25, got \(sigma)", kind: .argument)
        }
        return NUFFTOptions(tolerance: tol, oversampling: sigma)
    }

    /// The trajectory in argument `name`, in cycles per FOV for an image of `shape`, with its
    /// coordinates checked to lie in [−N/2, N/2] (a trajectory in other units gives a hint).
    static func trajectory(_ a: Args, _ name: String, shape: [Int]) throws -> NDArray {
        var t = try a.array(name)
        if t.dtype.kind <= .int { t = try t.astype(.float32) }
        let from = try units(a)
        let converted: NDArray
        do {
            converted = try convertTrajectory(t, from: from, shape: shape)
        } catch let e as ArrayError {
            // The library names its own function; the user called this built-in.
            throw a.error(e.message, kind: .value)
        }
        guard converted.rank >= 2, converted.shape[0] == shape.count else { return converted }
        // Coordinate d belongs to image axis d: check each against its own N/2.
        let values = try converted.astype(.float64).contiguous()
        let p = values.basePointer(as: Double.self)
        let dims = shape.count
        for i in 0..<values.count {
            let d = i % dims
            let limit = Double(shape[d]) / 2 * (1 + 1e-6)
            if abs(p[i]) > limit {
                let hint = from == .cyclesPerFOV ? "; for a trajectory in radians or in [−0.5, 0.5) pass units=\"radians\" or units=\"normalized\"" : ""
                throw a.error("trajectory coordinate \(p[i]) (axis \(d) of sample \(i / dims)) is outside [−\(shape[d] / 2), \(shape[d] / 2)] cycles per FOV for an image of shape \(Shape.text(shape))\(hint)", kind: .value)
            }
        }
        return converted
    }

    /// The image shape [X, Y] or [X, Y, Z].
    static func imageShape(_ a: Args, _ name: String) throws -> [Int] {
        let s = try a.shape(name)
        guard (2...3).contains(s.count), s.allSatisfy({ $0 > 0 }) else {
            throw a.bad(name, expected: "an image size [X, Y] or [X, Y, Z]")
        }
        return s
    }

    /// Samples as complex, in the plan's precision.
    static func complexInput(_ x: NDArray) throws -> NDArray {
        try x.astype(x.dtype.isDouble ? .complex128 : .complex64)
    }

    /// Density weights: `none`, an array, or a method name computed for the trajectory.
    static func density(_ v: Value, _ a: Args, _ name: String, trajectory: NDArray, shape: [Int]) throws -> NDArray? {
        switch v {
        case .none: return nil
        case .string(let method): return try densityWeights(method, a, trajectory: trajectory, shape: shape, iterations: 20)
        default: return try a.array(name)
        }
    }

    /// Weights by method name.
    static func densityWeights(_ method: String, _ a: Args, trajectory: NDArray, shape: [Int], iterations: Int) throws -> NDArray {
        switch method.lowercased() {
        case "pipe", "pipe-menon", "pipemenon", "iterative":
            guard iterations >= 1, iterations <= 1000 else { throw a.error("iterations= must be 1…1000, got \(iterations)", kind: .argument) }
            return try pipeMenonDensity(trajectory: trajectory, shape: shape, iterations: iterations)
        case "ramp", "radial":
            guard shape.count == 2 else { throw a.error("the analytic ramp is for 2-D radial trajectories; use \"pipe\" for others", kind: .argument) }
            return try radialRampDensity(trajectory: trajectory)
        case "voronoi":
            guard shape.count == 2 else { throw a.error("Voronoi weights are for 2-D trajectories; use \"pipe\" in 3-D", kind: .argument) }
            return try voronoiDensity(trajectory: trajectory, shape: shape)
        default:
            throw a.error("unknown density compensation '\(method)' (use \"pipe\" for any trajectory, \"voronoi\" in 2-D or \"ramp\" for 2-D radial)", kind: .argument)
        }
    }

    /// Refuses non-positive or absurd sizes for the trajectory generators.
    static func checkCounts(_ a: Args, _ counts: Int...) throws {
        guard counts.allSatisfy({ $0 >= 1 }), counts.reduce(1, { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }) <= 1 << 30 else {
            throw a.error("sizes must be positive and their product at most 2^30, got \(counts.map(String.init).joined(separator: " × "))", kind: .argument)
        }
    }

    /// Coil maps from low-resolution coil images of the k-space centre.
    static func mapsFromCentre(_ y: NDArray, trajectory t: NDArray, shape: [Int], radius: Double, method: String, _ a: Args) throws -> NDArray {
        guard let m = CoilMapMethod(rawValue: method.lowercased()) else {
            throw a.error("unknown method '\(method)' (use inati or walsh)", kind: .argument)
        }
        let low = try lowResolutionCoilImages(samples: y, trajectory: t, shape: shape, radius: radius)
        return try coilSensitivities(low, coilAxis: shape.count, options: CoilMapOptions(method: m))
    }

    /// Multiplies samples `[M…, batch…]` by weights shaped like the samples' leading dimensions.
    static func weighted(_ samples: NDArray, _ weights: NDArray, sampleShape: [Int]) throws -> NDArray {
        guard weights.count == sampleShape.reduce(1, *) else {
            throw ArrayError("density", "density weights \(Shape.text(weights.shape)) do not match the \(Shape.text(sampleShape)) samples of the trajectory")
        }
        let w = try weights.reshaped(sampleShape + Array(repeating: 1, count: max(0, samples.rank - sampleShape.count)))
        return try NDArray.binary(.mul, .array(samples), .array(w))
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("nufft(x, traj, tol=1e-4, units=\"cycles\", oversampling=2.0)", family: family,
                     summary: "Non-uniform FFT of an image [X, Y(, Z), batch…] at trajectory points [D, M…] (\"type 2\"): samples [M…, batch…].",
                     description: """
                     traj is [D, …samples] in cycles per field of view, k ∈ [−N/2, N/2) on an N-point axis (ISMRMRD's a.traj, BART's and SigPy's units); units="radians" ([−π, π), FINUFFT) or "normalized" ([−0.5, 0.5), mri-nufft) converts. The sign and centring are fft's: on a Cartesian grid trajectory nufft(x, traj) equals fft(x) at those points, orthonormally scaled (1/√N). \
                     Accuracy tol: 1e-2 down to about 1e-5 in single precision, lower for float64/complex128 input. Exponential-of-semicircle kernel (FINUFFT's) on a 2× oversampled grid (oversampling=1.25: a wider kernel on a smaller grid). Extra trailing dimensions (coils, repetitions) are transformed in the same call.
                     """,
                     example: "t = traj_radial(256, 128, matrix=128)\ny = nufft(shepp_logan(128), t)\nshape(y)        # [256, 128]") { a in
            let x = try complexInput(try a.array("x"))
            let t0 = try a.array("traj")
            guard t0.rank >= 1, (2...3).contains(t0.shape[0]), x.rank >= t0.shape[0] else {
                throw a.error("traj must be [D, …samples] with D = 2 or 3 image dimensions, got \(Shape.text(t0.shape)) for an image of shape \(Shape.text(x.shape))", kind: .value)
            }
            let shape = Array(x.shape.prefix(t0.shape[0]))
            let t = try trajectory(a, "traj", shape: shape)
            return .array(try NUFFTPlan(shape: shape, trajectory: t, options: try options(a), dtype: x.dtype).forward(x))
        },
        BuiltinEntry("nufft_adjoint(y, traj, shape, tol=1e-4, units=\"cycles\", oversampling=2.0, density=none)", family: family,
                     summary: "Adjoint non-uniform FFT (\"type 1\") of samples [M…, batch…] at trajectory points onto an image of shape [X, Y(, Z)]: [X, Y(, Z), batch…].",
                     description: "The exact adjoint of nufft (⟨nufft(x), y⟩ = ⟨x, nufft_adjoint(y)⟩), not an inverse: without density compensation the centre of k-space, where samples crowd, dominates and the image is blurred. density= multiplies the samples by weights first: an array shaped like the samples, or \"pipe\" (Pipe–Menon, any trajectory) or \"ramp\" (2-D radial) — that is gridding.",
                     example: "img = nufft_adjoint(y, t, [128, 128], density=\"ramp\")") { a in
            let shape = try imageShape(a, "shape")
            let t = try trajectory(a, "traj", shape: shape)
            var y = try complexInput(try a.array("y"))
            let plan = try NUFFTPlan(shape: shape, trajectory: t, options: try options(a), dtype: y.dtype)
            if let w = try density(a["density"], a, "density", trajectory: t, shape: shape) {
                y = try weighted(y, w, sampleShape: plan.sampleShape)
            }
            return .array(try plan.adjoint(y))
        },
        BuiltinEntry("nufft_plan(traj, shape, tol=1e-4, units=\"cycles\", oversampling=2.0, precision=\"single\")", family: family,
                     summary: "Prepare the NUFFT for one trajectory and image shape once: p.forward(x) and p.adjoint(y) then skip the sorting and kernel set-up (for iterative reconstructions).",
                     description: "precision=\"double\" computes in complex128 (tolerances down to 1e-12). Fields: shape, grid (the oversampled grid), samples (the trajectory's sample shape), width (kernel points), tol.",
                     example: "p = nufft_plan(t, [128, 128])\ny = p.forward(shepp_logan(128))\nback = p.adjoint(y)") { a in
            let shape = try imageShape(a, "shape")
            let t = try trajectory(a, "traj", shape: shape)
            let dtype: DType
            switch try a.string("precision").lowercased() {
            case "single", "float32", "complex64": dtype = .complex64
            case "double", "float64", "complex128": dtype = .complex128
            case let p: throw a.error("precision= must be \"single\" or \"double\", got \"\(p)\"", kind: .argument)
            }
            return .handle(NUFFTPlanHandle(plan: try NUFFTPlan(shape: shape, trajectory: t, options: try options(a), dtype: dtype)))
        },
        BuiltinEntry("traj_radial(readout, spokes, golden=false, matrix=none)", family: family,
                     summary: "A 2-D radial trajectory [2, readout, spokes] in cycles per FOV: spokes through the centre spread over 180° (uniformly, or by the golden angle 111.25° with golden=true).",
                     description: "matrix is the image size N the coordinates are for: samples run from −N/2 to N/2 (spacing N/readout). It defaults to readout (one sample per cycle/FOV); matrix=readout/2 gives the 2× readout oversampling scanners use.",
                     example: "t = traj_radial(128, 64, golden=true)\nscatter(t, \"radial.png\")") { a in
            let readout = try a.int("readout"), spokes = try a.int("spokes")
            guard readout >= 1, spokes >= 1, readout <= (1 << 30) / spokes else {
                throw a.error("readout and spokes must be positive, with at most 2^30 samples in all (got \(readout) × \(spokes))", kind: .argument)
            }
            return .array(try radialTrajectory(readout: readout, spokes: spokes, goldenAngle: try a.bool("golden"), matrix: try a.optionalInt("matrix")))
        },
        BuiltinEntry("traj_spiral(readout, interleaves, matrix, turns=none)", family: family,
                     summary: "A 2-D Archimedean spiral trajectory [2, readout, interleaves] in cycles per FOV, reaching ±matrix/2, interleaves rotated evenly.",
                     description: "turns (per interleave) defaults to what samples the matrix at the Nyquist rate with the interleaves together.",
                     example: "t = traj_spiral(1024, 8, 128)\nscatter(t, \"spiral.png\")") { a in
            let readout = try a.int("readout"), interleaves = try a.int("interleaves"), matrix = try a.int("matrix")
            guard readout >= 1, interleaves >= 1, matrix >= 2, readout <= (1 << 30) / interleaves else {
                throw a.error("readout, interleaves and matrix must be positive, with at most 2^30 samples in all (got \(readout), \(interleaves), \(matrix))", kind: .argument)
            }
            let turns = a.isNone("turns") ? nil : try a.double("turns")
            return .array(try spiralTrajectory(readout: readout, interleaves: interleaves, matrix: matrix, turns: turns))
        },
        BuiltinEntry("traj_radial_in_out(readout, spokes, golden=false, matrix=none)", family: family,
                     summary: "A 2-D radial trajectory [2, readout, spokes] whose spokes run symmetrically from −matrix/2 to matrix/2 (centre-out-and-back \"in-out\" spokes).",
                     example: "t = traj_radial_in_out(128, 96)") { a in
            let (readout, spokes) = (try a.int("readout"), try a.int("spokes"))
            try checkCounts(a, readout, spokes)
            return .array(try radialInOutTrajectory(readout: readout, spokes: spokes, goldenAngle: try a.bool("golden"), matrix: try a.optionalInt("matrix")))
        },
        BuiltinEntry("traj_spiral_vd(readout, interleaves, matrix, density=2.0)", family: family,
                     summary: "A variable-density spiral [2, readout, interleaves]: radius (matrix/2)·t^density, so rings crowd the centre and are density times sparser at the edge.",
                     example: "t = traj_spiral_vd(2048, 8, 128, density=2.0)") { a in
            let (readout, interleaves, matrix) = (try a.int("readout"), try a.int("interleaves"), try a.int("matrix"))
            try checkCounts(a, readout, interleaves, matrix)
            return .array(try variableDensitySpiralTrajectory(readout: readout, interleaves: interleaves, matrix: matrix, density: try a.double("density")))
        },
        BuiltinEntry("traj_propeller(readout, blade_width, blades)", family: family,
                     summary: "A PROPELLER (BLADE) trajectory [2, readout, blade_width, blades]: Cartesian blades of blade_width lines rotated evenly over 180°.",
                     example: "t = traj_propeller(128, 16, 12)") { a in
            let (readout, width, blades) = (try a.int("readout"), try a.int("blade_width"), try a.int("blades"))
            try checkCounts(a, readout, width, blades)
            return .array(try propellerTrajectory(readout: readout, bladeWidth: width, blades: blades))
        },
        BuiltinEntry("traj_kooshball(readout, spokes)", family: family,
                     summary: "A 3-D radial (\"kooshball\") trajectory [3, readout, spokes]: full diameters along golden-means directions.",
                     example: "t = traj_kooshball(64, 2000)\ny = nufft(zeros([64, 64, 64]), t)") { a in
            let (readout, spokes) = (try a.int("readout"), try a.int("spokes"))
            try checkCounts(a, readout, spokes)
            return .array(try kooshballTrajectory(readout: readout, spokes: spokes))
        },
        BuiltinEntry("traj_stack_of_stars(readout, spokes, partitions, golden=false)", family: family,
                     summary: "A stack-of-stars trajectory [3, readout, spokes, partitions]: radial spokes in kx–ky on every Cartesian kz partition.",
                     example: "t = traj_stack_of_stars(128, 64, 16, golden=true)") { a in
            let (readout, spokes, partitions) = (try a.int("readout"), try a.int("spokes"), try a.int("partitions"))
            try checkCounts(a, readout, spokes, partitions)
            return .array(try stackOfStarsTrajectory(readout: readout, spokes: spokes, partitions: partitions, goldenAngle: try a.bool("golden")))
        },
        BuiltinEntry("nufft_coil_maps(y, traj, shape, radius=12, units=\"cycles\", method=\"inati\")", family: family,
                     summary: "Coil sensitivity maps [X, Y(, Z), CHA] from the centre of non-Cartesian k-space itself: samples with |k| < radius gridded with a smooth taper (no streaks), then Inati or Walsh maps.",
                     example: "maps = nufft_coil_maps(yc, t, [128, 128])   # yc: [256, 128, CHA] coil samples") { a in
            let shape = try imageShape(a, "shape")
            let t = try trajectory(a, "traj", shape: shape)
            let y = try complexInput(try a.array("y"))
            let radius = try a.double("radius")
            guard radius > 0, radius.isFinite else { throw a.error("radius= must be positive (cycles per FOV), got \(radius)", kind: .argument) }
            return .array(try mapsFromCentre(y, trajectory: t, shape: shape, radius: radius, method: try a.string("method"), a))
        },
        BuiltinEntry("cg_sense(y, traj, shape, maps=none, iterations=20, tol=1e-6, lambda=0.0, density=none, units=\"cycles\", verbose=none)", family: family,
                     summary: "Iterative SENSE reconstruction of non-Cartesian multi-coil samples [M…, CHA] by conjugate gradients on (EᴴE + λI) x = Eᴴy, E = NUFFT ∘ coil maps: a record {image, residuals, iterations}.",
                     description: """
                     maps [X, Y(, Z), CHA] default to nufft_coil_maps(y, traj, shape). Iterations stop after iterations= or when the residual relative to ‖Eᴴy‖ falls below tol=; every residual is kept in .residuals. lambda= adds Tikhonov regularisation (in the units of EᴴE). density= (weights, "pipe" or "voronoi") weights the data term, solving EᴴWE x = EᴴWy, which converges in fewer iterations at the cost of some noise. \
                     Progress (iteration and residual) is printed on a terminal, or always with verbose=true; Ctrl-C stops between iterations.
                     """,
                     example: "r = cg_sense(yc, t, [128, 128], iterations=15)\nsnapshot(abs(r.image), \"sense.png\")\nplot(r.residuals, \"residuals.png\", logy=true)") { a in
            let shape = try imageShape(a, "shape")
            let t = try trajectory(a, "traj", shape: shape)
            let y = try complexInput(try a.array("y"))
            let iterations = try a.int("iterations"), tol = try a.double("tol"), lambda = try a.double("lambda")
            guard (1...10_000).contains(iterations) else { throw a.error("iterations= must be 1…10000, got \(iterations)", kind: .argument) }
            guard tol >= 0, tol.isFinite, lambda >= 0, lambda.isFinite else {
                throw a.error("tol= and lambda= must be finite and ≥ 0 (got \(tol), \(lambda))", kind: .argument)
            }
            let maps = try a.optionalArray("maps") ?? mapsFromCentre(y, trajectory: t, shape: shape, radius: 12, method: "inati", a)
            var options = CGSENSEOptions(iterations: iterations, tolerance: tol, lambda: lambda)
            var weights: NDArray? = nil
            if !a.isNone("density") {
                weights = try density(a["density"], a, "density", trajectory: t, shape: shape)
                options.density = true
            }
            let solver = try CGSENSE(trajectory: t, shape: shape, sensitivities: maps, density: weights, options: options)
            let show = a.isNone("verbose") ? isatty(STDOUT_FILENO) != 0 : try a.bool("verbose")
            let (image, residuals) = try solver.reconstruct(y) { k, r in
                if show { a.interp.output(String(format: "cg_sense: iteration %d, residual %.3e\n", k, r)) }
            }
            return .record(Record([("image", .array(image)), ("residuals", .array(try NDArray(residuals, shape: [residuals.count]))),
                                   ("iterations", .int(residuals.count))], path: "cg_sense"))
        },
        BuiltinEntry("dcf(traj, shape, method=\"pipe\", iterations=20, units=\"cycles\")", family: family,
                     summary: "Density compensation weights for a trajectory: \"pipe\" (Pipe–Menon iteration, any trajectory), \"voronoi\" (cell areas, 2-D) or \"ramp\" (|k|, 2-D radial); shaped like the samples.",
                     description: "Voronoi gives each sample the area of the k-space cell closer to it than to any other (cells at the edge clipped to the disc or square the samples cover; repeated points, like the centre of radial spokes, share their cell). Weights are in absolute units — the k-space area in (cycles/FOV)^D each sample stands for — so nufft_adjoint(y * w, traj, shape) is a correctly scaled gridding reconstruction and methods compare directly.",
                     example: "w = dcf(t, [128, 128])\nimg = nufft_adjoint(y * w, t, [128, 128])") { a in
            let shape = try imageShape(a, "shape")
            let t = try trajectory(a, "traj", shape: shape)
            return .array(try densityWeights(try a.string("method"), a, trajectory: t, shape: shape, iterations: try a.int("iterations")))
        },
    ]
}

/// A prepared NUFFT: `p.forward(x)`, `p.adjoint(y)` and its geometry.
final class NUFFTPlanHandle: Handle {
    let plan: NUFFTPlan
    private lazy var forward = Builtin(entry: BuiltinEntry("forward(x)", family: NonCartesianBuiltins.family,
        summary: "Type 2 NUFFT with this plan.", example: "y = p.forward(img)") { [plan] a in
        .array(try plan.forward(try a.array("x")))
    })
    private lazy var adjoint = Builtin(entry: BuiltinEntry("adjoint(y)", family: NonCartesianBuiltins.family,
        summary: "Adjoint (type 1) NUFFT with this plan.", example: "img = p.adjoint(y)") { [plan] a in
        .array(try plan.adjoint(try a.array("y")))
    })

    init(plan: NUFFTPlan) { self.plan = plan }

    var typeName: String { "nufft plan" }
    var fieldNames: [String] { ["forward", "adjoint", "shape", "grid", "samples", "width", "tol"] }

    func field(_ name: String) throws -> Value? {
        func ints(_ v: [Int]) -> Value { .list(v.map { .int($0) }) }
        switch name {
        case "forward": return .function(forward)
        case "adjoint": return .function(adjoint)
        case "shape": return ints(plan.shape)
        case "grid": return ints(plan.gridShape)
        case "samples": return ints(plan.sampleShape)
        case "width": return .int(plan.kernelWidth)
        case "tol": return .float(plan.options.tolerance)
        default: return nil
        }
    }

    var summary: String {
        "<nufft plan \(Shape.text(plan.shape)) ← \(plan.sampleCount) samples, grid \(Shape.text(plan.gridShape)), kernel \(plan.kernelWidth) points, tol \(plan.options.tolerance), \(plan.dtype)>"
    }
}

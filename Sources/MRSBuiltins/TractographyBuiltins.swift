import ArrayFormats
import Foundation
import MRSLanguage
import NDArray
import Tractography

/// Diffusion MRI: NIfTI volumes, gradient tables, tensor fits, seeds, tracking and TrackVis files.
enum TractographyBuiltins {
    static let family = "diffusion"

    static let identity: [[Double]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]

    /// A 4×4 affine from an array or nested list (rows first, as printed).
    static func affine(_ v: Value, _ a: Args, _ name: String) throws -> [[Double]] {
        let m = try Convert.toArray(v, what: "'\(name)'").astype(.float64)
        guard m.shape == [4, 4] else { throw a.bad(name, expected: "a 4×4 voxel-to-world affine, got \(Shape.text(m.shape))") }
        return (0..<4).map { r in (0..<4).map { c in (try? m.get([.int(r), .int(c)]).item().asDouble) ?? 0 } }
    }

    /// The affine as a [4, 4] array whose [r, c] is row r, column c.
    static func affineValue(_ m: [[Double]]) throws -> Value {
        var flat: [Double] = []
        for c in 0..<4 { for r in 0..<4 { flat.append(m[r][c]) } }
        return .array(try NDArray(flat, shape: [4, 4]))
    }

    /// A volume from an array or a `nifti` record (whose affine comes along).
    static func volume(_ a: Args, _ name: String) throws -> (NDArray, [[Double]]?) {
        if case .record(let r) = a[name], case .array(let d)? = r["data"] {
            return (d, try r["affine"].map { try affine($0, a, name) })
        }
        return (try a.array(name), nil)
    }

    /// A float array of one number per element, from a `.bvals`-like list or array.
    static func numbers(_ v: Value, _ a: Args, _ name: String) throws -> [Double] {
        try Convert.toArray(v, what: "'\(name)'").astype(.float64).contiguous().toArray(Double.self)
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("nifti(path)", family: family,
                     summary: "Read a NIfTI-1 volume (.nii or .nii.gz): a record {data, affine, voxel_size, header}; data is [X, Y, Z, …] with scl_slope/scl_inter applied.",
                     description: "affine is the 4×4 voxel-to-world (RAS+ mm) matrix from the sform, else the qform, else the voxel sizes — nibabel's choice. load(path) gives the data alone; save(x, \"out.nii.gz\", affine=…) writes one.",
                     example: "dwi = nifti(\"datasets/dwi.nii.gz\")\nshape(dwi.data)\ndwi.affine") { a in
            let img = try NIfTI.read(try a.string("path"))
            let h = img.header
            let header = Record([
                ("dims", .list(h.dims.map { .int($0) })), ("datatype", .string(h.datatypeName)),
                ("pixdim", .list(h.pixdim.map { .float($0) })), ("scl_slope", .float(h.sclSlope)), ("scl_inter", .float(h.sclInter)),
                ("qform_code", .int(h.qformCode)), ("sform_code", .int(h.sformCode)), ("descrip", .string(h.description)),
            ], path: "header")
            return .record(Record([("data", .array(img.data)), ("affine", try affineValue(img.affine)),
                                   ("voxel_size", .list(img.voxelSize.map { .float($0) })), ("header", .record(header))], path: "nifti"))
        },
        BuiltinEntry("gradient_table(bvals, bvecs, b0_threshold=50)", family: family,
                     summary: "A diffusion gradient table from FSL bvals/bvecs files (or arrays: b-values [N], unit vectors [3, N]); b ≤ b0_threshold counts as b = 0.",
                     description: "Counts that disagree, negative b-values, and zero or non-unit vectors on diffusion-weighted volumes are errors that name the file and volume. Fields: bvals, bvecs [3, N], b0 (bool [N]), count.",
                     example: "g = gradient_table(\"datasets/dwi.bval\", \"datasets/dwi.bvec\")\ng.count") { a in
            let threshold = try a.double("b0_threshold")
            if case .string(let bvals) = a["bvals"], case .string(let bvecs) = a["bvecs"] {
                return .handle(GradientTableHandle(table: try GradientTable.load(bvals: bvals, bvecs: bvecs, b0Threshold: threshold)))
            }
            let b = try numbers(a["bvals"], a, "bvals")
            let v = try Convert.toArray(a["bvecs"], what: "'bvecs'").astype(.float64).contiguous()
            guard v.rank == 2, v.shape[0] == 3 else { throw a.bad("bvecs", expected: "unit vectors [3, N], got \(Shape.text(v.shape))") }
            let p = v.toArray(Double.self)
            let vecs = (0..<v.shape[1]).map { SIMD3(p[3 * $0], p[3 * $0 + 1], p[3 * $0 + 2]) }
            return .handle(GradientTableHandle(table: try GradientTable(bvals: b, bvecs: vecs, b0Threshold: threshold)))
        },
        BuiltinEntry("dti_fit(data, gtab, mask=none, affine=none)", family: family,
                     summary: "Fit the diffusion tensor per voxel by weighted least squares (DIPY's TensorModel WLS): a fit with .fa, .md, .ad, .rd, .rgb, .evals, .evecs.",
                     description: "data is [X, Y, Z, N] (or a nifti record, whose affine is kept for tracking); mask (bool [X, Y, Z]) limits the fit. Diffusivities are in mm²/s; .rgb is colour FA (|principal direction| · FA) [X, Y, Z, 3]; .evecs [X, Y, Z, 3, 3] has eigenvector k in [..., :, k], largest first.",
                     example: "fit = dti_fit(dwi, g, mask=brain)\nsnapshot(fit.fa, \"fa.png\")") { a in
            let (data, fileAffine) = try volume(a, "data")
            guard case .handle(let g as GradientTableHandle) = a["gtab"] else { throw a.bad("gtab", expected: "a gradient table from gradient_table") }
            var mask: NDArray? = nil
            if !a.isNone("mask") {
                let (m, _) = try volume(a, "mask")
                mask = m
            }
            let affine = a.isNone("affine") ? fileAffine ?? identity : try TractographyBuiltins.affine(a["affine"], a, "affine")
            let fit = try DTIModel(gradients: g.table).fit(try data.astype(.float32), mask: mask)
            return .handle(DTIFitHandle(fit: fit, affine: affine))
        },
        BuiltinEntry("seeds(mask, density=1, count=none, seed=0, affine=none)", family: family,
                     summary: "Seed points [3, n] in a mask: density×density×density per voxel, or count random points (reproducible with seed=); world coordinates through affine= (or a nifti record's), else voxel coordinates.",
                     example: "s = seeds(fit.fa > 0.3, density=2, affine=fit.affine)") { a in
            let (mask, fileAffine) = try volume(a, "mask")
            let affine = a.isNone("affine") ? fileAffine : try TractographyBuiltins.affine(a["affine"], a, "affine")
            if !a.isNone("count") {
                let count = try a.int("count"), seed = try a.int("seed")
                guard count >= 0, count <= 100_000_000 else { throw a.error("count= must be 0…10^8, got \(count)", kind: .argument) }
                return .array(try Seeds.random(mask: mask, count: count, seed: UInt64(bitPattern: Int64(seed)), affine: affine))
            }
            let k = try a.int("density")
            guard (1...16).contains(k) else { throw a.error("density= must be 1…16 seeds per voxel axis, got \(k)", kind: .argument) }
            return .array(try Seeds.grid(mask: mask, perAxis: k, affine: affine))
        },
        BuiltinEntry("track(fit, seeds, step=0.5, max_angle=30, fa_threshold=0.2, method=\"deterministic\", mask=none, min_length=0, max_length=250, seed=0)", family: family,
                     summary: "Track streamlines through a tensor fit from seed points [3, n] (world mm), both ways from each seed: deterministic (principal direction) or probabilistic (directions drawn from the tensor ODF within the angle cone).",
                     description: "A streamline stops where FA falls below fa_threshold, where mask (bool [X, Y, Z]) is false, where it would turn by more than max_angle degrees, or at max_length mm; streamlines shorter than min_length mm are dropped. step is in mm. Probabilistic tracking is reproducible with seed=. Runs on all cores; Ctrl-C stops it. Returns streamlines: len(s), s[i] is a [3, n] array in world coordinates (RAS+ mm).",
                     example: "s = track(fit, seeds(fit.fa > 0.3, affine=fit.affine))\nlen(s)\nsave(s, \"tracts.trk\")") { a in
            guard case .handle(let f as DTIFitHandle) = a["fit"] else { throw a.bad("fit", expected: "a tensor fit from dti_fit") }
            var o = TrackingOptions()
            o.stepSize = try a.double("step")
            o.maxAngle = try a.double("max_angle")
            o.faThreshold = try a.double("fa_threshold")
            o.minLength = try a.double("min_length")
            o.maxLength = try a.double("max_length")
            o.seed = UInt64(bitPattern: Int64(try a.int("seed")))
            let method = try a.string("method").lowercased()
            guard let m = TrackingMethod(rawValue: method) else {
                throw a.error("method= must be \"deterministic\" or \"probabilistic\", got \"\(method)\"", kind: .argument)
            }
            o.method = m
            if !a.isNone("mask") {
                let (mask, _) = try volume(a, "mask")
                o.mask = mask
            }
            let tracker = try Tracker(fit: f.fit, affine: f.affine, options: o)
            let lines = try tracker.track(seeds: try a.array("seeds"))
            return .handle(StreamlinesHandle(streamlines: lines, affine: f.affine, dims: Array(f.fit.dims.prefix(3)), voxelSize: nil))
        },
        BuiltinEntry("trk(path)", family: family,
                     summary: "Read TrackVis streamlines (.trk) in world coordinates (RAS+ mm, as nibabel gives them): len(s), s[i] a [3, n] array.",
                     example: "s = trk(\"tracts.trk\")\nprint(len(s), s.affine)") { a in
            let file = try TRK.read(try a.string("path"))
            return .handle(StreamlinesHandle(streamlines: file.streamlines, affine: file.header.voxToRAS,
                                             dims: file.header.dims, voxelSize: file.header.voxelSize))
        },
        BuiltinEntry("filter_streamlines(s, min_length=0, max_length=none)", family: family,
                     summary: "The streamlines whose length in mm lies between min_length and max_length.",
                     example: "long = filter_streamlines(s, min_length=20)") { a in
            guard case .handle(let h as StreamlinesHandle) = a["s"] else { throw a.bad("s", expected: "streamlines from track or trk") }
            let lo = try a.double("min_length"), hi = a.isNone("max_length") ? Double.infinity : try a.double("max_length")
            var kept = Streamlines()
            for i in 0..<h.streamlines.count {
                let l = h.streamlines.length(i)
                if l >= lo && l <= hi { kept.append(Array(h.streamlines[i])) }
            }
            return .handle(StreamlinesHandle(streamlines: kept, affine: h.affine, dims: h.dims, voxelSize: h.voxelSize))
        },
    ]
}

/// A gradient table: b-values, directions and which volumes are b = 0.
final class GradientTableHandle: Handle {
    let table: GradientTable
    init(table: GradientTable) { self.table = table }
    var typeName: String { "gradient table" }
    var fieldNames: [String] { ["bvals", "bvecs", "b0", "count"] }
    var length: Int? { table.count }
    func field(_ name: String) throws -> Value? {
        switch name {
        case "bvals": return .array(try NDArray(table.bvals, shape: [table.count]))
        case "bvecs": return .array(try NDArray(table.bvecs.flatMap { [$0.x, $0.y, $0.z] }, shape: [3, table.count]))
        case "b0": return .array(try NDArray(table.isB0, shape: [table.count]))
        case "count": return .int(table.count)
        default: return nil
        }
    }
    var summary: String {
        let b0 = table.isB0.filter { $0 }.count
        let shells = Set(table.bvals.filter { $0 > table.b0Threshold }.map { ($0 / 100).rounded() * 100 }).sorted().map { String(Int($0)) }
        return "<gradient table: \(table.count) volumes, \(b0) b=0, b = \(shells.joined(separator: ", "))>"
    }
}

/// A tensor fit and the voxel-to-world affine tracking uses.
final class DTIFitHandle: Handle {
    let fit: DTIFit
    let affine: [[Double]]
    init(fit: DTIFit, affine: [[Double]]) { self.fit = fit; self.affine = affine }
    var typeName: String { "tensor fit" }
    var fieldNames: [String] { ["fa", "md", "ad", "rd", "rgb", "evals", "evecs", "affine"] }
    func field(_ name: String) throws -> Value? {
        switch name {
        case "fa": return .array(fit.faMap)
        case "md": return .array(fit.md)
        case "ad": return .array(fit.ad)
        case "rd": return .array(fit.rd)
        case "rgb": return .array(fit.colorFA)
        case "evals": return .array(fit.eigenvalues)
        case "evecs": return .array(fit.eigenvectors)
        case "affine": return try TractographyBuiltins.affineValue(affine)
        default: return nil
        }
    }
    var summary: String { "<tensor fit \(Shape.text(fit.dims))>" }
}

/// Streamlines in world coordinates with the volume they were tracked in (for saving as .trk).
final class StreamlinesHandle: Handle {
    let streamlines: Streamlines
    let affine: [[Double]]
    let dims: [Int]
    let voxelSize: [Double]?
    init(streamlines: Streamlines, affine: [[Double]], dims: [Int], voxelSize: [Double]?) {
        self.streamlines = streamlines
        self.affine = affine
        self.dims = dims
        self.voxelSize = voxelSize
    }

    var typeName: String { "streamlines" }
    var fieldNames: [String] { ["count", "lengths", "points", "affine", "dims"] }
    var length: Int? { streamlines.count }

    /// Streamline i as [3, n] float32.
    func line(_ i: Int) throws -> NDArray {
        let pts = streamlines[i]
        return try NDArray(pts.flatMap { [$0.x, $0.y, $0.z] }, shape: [3, pts.count])
    }

    func field(_ name: String) throws -> Value? {
        switch name {
        case "count": return .int(streamlines.count)
        case "lengths": return .array(try NDArray((0..<streamlines.count).map { streamlines.length($0) }, shape: [streamlines.count]))
        case "points": return .int(streamlines.points.count)
        case "affine": return try TractographyBuiltins.affineValue(affine)
        case "dims": return .list(dims.map { .int($0) })
        default: return nil
        }
    }

    func index(_ key: Value) throws -> Value? {
        guard case .int(let i) = key else { throw MRSError(.index, "streamlines are indexed by an integer, got \(key.typeDescription)") }
        let r = i < 0 ? i + streamlines.count : i
        guard r >= 0 && r < streamlines.count else {
            throw MRSError(.index, "streamline \(i) is out of range (there are \(streamlines.count))")
        }
        return .array(try line(r))
    }

    func makeIterator() throws -> ValueIterator? {
        var i = 0
        return ClosureIterator {
            try Interrupt.check()
            guard i < self.streamlines.count else { return nil }
            defer { i += 1 }
            return .array(try self.line(i))
        }
    }

    var summary: String {
        let mean = streamlines.count == 0 ? 0 : (0..<streamlines.count).map { streamlines.length($0) }.reduce(0, +) / Double(streamlines.count)
        return "<\(streamlines.count) streamlines, \(streamlines.points.count) points, mean length \(String(format: "%.1f", mean)) mm>"
    }
}

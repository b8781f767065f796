import ArrayFormats
import Foundation
import Graphics
import MRSLanguage
import NDArray

/// PNG snapshots of arrays, line plots and scatter plots, rasterised by mrs itself.
enum GraphicsBuiltins {
    static let family = "graphics"

    /// Remembers written pictures so reports can show them.
    static func noteWritten(_ path: String, _ a: Args) {
        var list = a.interp.sessionState["written_images"] as? [String] ?? []
        list.append(path)
        a.interp.sessionState["written_images"] = list
        PictureObserver.written(path, a.interp)
    }

    static func range(_ v: Value, _ name: String, _ a: Args) throws -> ClosedRange<Double>? {
        if v.isNone { return nil }
        guard case .list(let l) = v, l.count == 2, let lo = l[0].scalar?.asDouble, let hi = l[1].scalar?.asDouble, lo <= hi else {
            throw a.bad(name, expected: "[low, high]")
        }
        return lo...hi
    }

    static func colormap(_ a: Args, _ name: String) throws -> Colormap? {
        guard let s = try a.optionalString(name) else { return nil }
        guard let c = Colormap(name: s) else {
            throw a.error("unknown colormap '\(s)' (use gray, lumen, diverging or cyclic)", kind: .argument)
        }
        return c
    }

    static func strings(_ v: Value, _ name: String, _ a: Args) throws -> [String]? {
        switch v {
        case .none: return nil
        case .list(let l): return l.map(Display.text)
        case .string(let s): return [s]
        default: throw a.bad(name, expected: "a list of strings")
        }
    }

    /// Streamlines seen along one axis, in the voxel grid of the volume they were tracked in.
    static func streamlinePicture(_ s: StreamlinesHandle, _ a: Args) throws -> Raster {
        let drop: Int
        switch try a.string("view").lowercased() {
        case "axial": drop = 2
        case "coronal": drop = 1
        case "sagittal": drop = 0
        case let v: throw a.error("view= must be \"axial\", \"coronal\" or \"sagittal\", got \"\(v)\"", kind: .argument)
        }
        // World mm → voxel coordinates: the inverse of the volume's affine.
        guard let inverse = invert4(s.affine) else { throw a.error("the streamlines' affine is singular", kind: .value) }
        func inv(_ r: Int, _ c: Int) -> Double { inverse[r][c] }
        var lines: [NDArray] = []
        lines.reserveCapacity(s.streamlines.count)
        for i in 0..<s.streamlines.count {
            var v: [Float] = []
            for p in s.streamlines[i] {
                let w = [Double(p.x), Double(p.y), Double(p.z), 1]
                for r in 0..<3 { v.append(Float((0..<4).reduce(0.0) { $0 + inv(r, $1) * w[$1] })) }
            }
            lines.append(try NDArray(v, shape: [3, v.count / 3]))
        }
        return try DirectionView.streamlines(lines, background: try a.optionalArray("background"), size: s.dims, drop: drop,
                                             zoom: max(1, try a.int("zoom")))
    }

    static let entries: [BuiltinEntry] = [
        BuiltinEntry("snapshot(x, path, mode=\"magnitude\", scale=\"auto\", window=none, percentile=99.5, colormap=none, transpose=false, flipx=false, flipy=false, zoom=1, columns=none, gap=0, labels=none, captions=none, legend=false, title=none, verbose=false, background=none, view=\"axial\")",
                     family: family,
                     summary: "Write an array as an 8-bit PNG (magnitude by default) and return the path; extra dimensions are tiled as a montage.",
                     description: """
                     Orientation: dimension 0 runs left to right, dimension 1 top to bottom (so an object taller in y looks taller); transpose/flipx/flipy change that. \
                     mode: magnitude, phase, real, imag, or complex (hue = phase, brightness = magnitude). \
                     scale: "auto" (0 to the 99.5th percentile of |x|; symmetric for real/imag; −π…π for phase), "minmax", "percentile" (with percentile=), or [floor, ceiling]; window=[level, width] sets a radiology window. \
                     colormap: gray, lumen (perceptual), diverging, cyclic. Dimensions beyond the first two (slices, coils, repetitions) become tiles, left to right then down; labels=true numbers them, labels="slc" names them ("slc 3"), captions=[…] gives one caption per tile. \
                     legend=true adds a colour bar (a phase wheel in phase/complex modes). verbose=true prints what was written and the window used. \
                     mode="rgb" draws an [X, Y, 3] array as colours (colour FA: red x, green y, blue z). Streamlines (from track or trk) are drawn projected onto a plane — view="axial" (seen along z), "coronal" (y) or "sagittal" (x) — over background= (a 2-D slice of the tracked volume, e.g. fit.fa[:, :, 5]), each segment coloured by its direction.
                     """,
                     example: "snapshot(img, \"slice0.png\")\nsnapshot(coil_imgs, \"coils.png\", labels=\"coil\", zoom=2)\nsnapshot(img, \"phase.png\", mode=\"complex\", legend=true)", effects: .writesFiles) { a in
            let path = try a.string("path")
            if case .handle(let s as StreamlinesHandle) = a["x"] {
                let raster = try streamlinePicture(s, a)
                try raster.write(to: path, operation: "snapshot")
                noteWritten(path, a)
                return .string(path)
            }
            let x = try a.array("x")
            if try a.string("mode").lowercased() == "rgb" {
                try DirectionView.colorImage(x, zoom: try a.int("zoom")).write(to: path, operation: "snapshot")
                noteWritten(path, a)
                return .string(path)
            }
            var o = SnapshotOptions()
            let modeName = try a.string("mode")
            guard let mode = SnapshotMode(name: modeName) else {
                throw a.error("unknown mode '\(modeName)' (use magnitude, phase, real, imag, complex or rgb)", kind: .argument)
            }
            o.mode = mode
            o.autoPercentile = try a.double("percentile")
            switch a["scale"] {
            case .string(let s):
                switch s.lowercased() {
                case "auto": o.scaling = .auto
                case "minmax", "min/max", "range": o.scaling = .minMax
                case "percentile": o.scaling = .percentile(low: 0, high: o.autoPercentile)
                default: throw a.error("unknown scale '\(s)' (use auto, minmax, percentile or [floor, ceiling])", kind: .argument)
                }
            case .list:
                if let r = try range(a["scale"], "scale", a) { o.scaling = .range(floor: r.lowerBound, ceiling: r.upperBound) }
            default: throw a.bad("scale", expected: "\"auto\", \"minmax\", \"percentile\" or [floor, ceiling]")
            }
            if case .list(let w) = a["window"] {
                guard w.count == 2, let level = w[0].scalar?.asDouble, let width = w[1].scalar?.asDouble else {
                    throw a.bad("window", expected: "[level, width]")
                }
                o.scaling = .window(level: level, width: width)
            } else if !a.isNone("window") {
                throw a.bad("window", expected: "[level, width]")
            }
            o.colormap = try colormap(a, "colormap")
            o.transpose = try a.bool("transpose")
            o.flipX = try a.bool("flipx")
            o.flipY = try a.bool("flipy")
            o.zoom = try a.int("zoom")
            o.columns = try a.optionalInt("columns")
            o.gap = try a.int("gap")
            switch a["labels"] {
            case .none, .bool(false): o.tileLabels = .none
            case .bool(true): o.tileLabels = .indices
            case .string(let s): o.tileLabels = .named([s])
            case .list(let l): o.tileLabels = .named(l.map(Display.text))
            default: throw a.bad("labels", expected: "true, a name such as \"slc\", or a list of names")
            }
            if let captions = try strings(a["captions"], "captions", a) { o.tileLabels = .captions(captions) }
            o.legend = try a.bool("legend")
            o.title = try a.optionalString("title")
            let result = try Snapshot.write(x, to: path, options: o)
            noteWritten(path, a)
            if try a.bool("verbose") { a.interp.output(result.description + "\n") }
            return .string(path)
        },
        BuiltinEntry("plot(y, path, x=none, axis=0, title=none, xlabel=none, ylabel=none, labels=none, logy=false, xlim=none, ylim=none, width=640, height=400, grid=true)",
                     family: family,
                     summary: "Draw one or several lines into a PNG (lines run along axis; y of shape [N, L] gives L lines) and return the path.",
                     description: "x gives the horizontal values (default: the index). labels adds a legend. Complex input is drawn as its magnitude; plot real() and imag() for the parts.",
                     example: "plot(abs(k[:, 32, 0]), \"profile.png\", title=\"readout 32\", xlabel=\"sample\")\ns = k[:, 40, 0]\nplot(stack([real(s), imag(s)]), \"parts.png\", labels=[\"re\", \"im\"])", effects: .writesFiles) { a in
            var y = try a.array("y")
            if y.dtype.isComplex { y = try y.unary(.abs) }
            var o = PlotOptions()
            o.x = try a.optionalArray("x")
            o.axis = try a.axis("axis")
            o.title = try a.optionalString("title")
            o.xLabel = try a.optionalString("xlabel")
            o.yLabel = try a.optionalString("ylabel")
            o.labels = try strings(a["labels"], "labels", a)
            o.logY = try a.bool("logy")
            o.xLimits = try range(a["xlim"], "xlim", a)
            o.yLimits = try range(a["ylim"], "ylim", a)
            o.width = try a.int("width")
            o.height = try a.int("height")
            o.grid = try a.bool("grid")
            let path = try a.string("path")
            _ = try Plot.write(y, to: path, options: o)
            noteWritten(path, a)
            return .string(path)
        },
        BuiltinEntry("scatter(points, path, values=none, colormap=\"lumen\", title=none, xlabel=none, ylabel=none, marker=3, equal=true, xlim=none, ylim=none, width=480, height=480)",
                     family: family,
                     summary: "Draw 2-D points (a trajectory [2, N…] as ISMRMRD stores it, [N, 2], or complex kx + i·ky) into a PNG and return the path.",
                     description: "values colours each point through the colormap (with a colour bar); equal=true keeps one unit the same length on both axes.",
                     example: "t = traj_radial(256, 128, matrix=128)\nscatter(t[:, :, 0], \"spoke.png\")\nscatter(t[0] + 1i * t[1], \"traj.png\", values=dcf(t, [128, 128]))", effects: .writesFiles) { a in
            var o = ScatterOptions()
            o.values = try a.optionalArray("values")
            if let c = try colormap(a, "colormap") { o.colormap = c }
            o.title = try a.optionalString("title")
            o.xLabel = try a.optionalString("xlabel")
            o.yLabel = try a.optionalString("ylabel")
            o.markerSize = try a.double("marker")
            o.equalAspect = try a.bool("equal")
            o.xLimits = try range(a["xlim"], "xlim", a)
            o.yLimits = try range(a["ylim"], "ylim", a)
            o.width = try a.int("width")
            o.height = try a.int("height")
            let path = try a.string("path")
            _ = try Scatter.write(try a.array("points"), to: path, options: o)
            noteWritten(path, a)
            return .string(path)
        },
        BuiltinEntry("readpng(path)", family: family,
                     summary: "Read a PNG into an int array [width, height, channels] (dimension 0 horizontal, like snapshot).",
                     example: "p = readpng(\"slice0.png\"); p[0, 0, :]") { a in
            let img = try PNGImage.read(from: try a.string("path"), as: .rgba)
            let w = img.width, h = img.height
            var values = [Int](repeating: 0, count: w * h * 4)
            for y in 0..<h {
                for x in 0..<w {
                    for c in 0..<4 { values[x + w * (y + h * c)] = Int(img.pixels[(y * w + x) * 4 + c]) }
                }
            }
            return .array(try NDArray(values, shape: [w, h, 4]))
        },
    ]
}

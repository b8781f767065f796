import Foundation
import NDArray

/// What `Snapshot.render` drew: the picture and the facts the REPL reports.
public struct SnapshotResult: Sendable, CustomStringConvertible {
    /// The picture.
    public let raster: Raster
    /// What was shown of each element.
    public let mode: SnapshotMode
    /// The colour map used (cyclic in complex mode).
    public let colormap: Colormap
    /// Value range mapped onto the colour map (the y range for a 1-D plot).
    public let window: DisplayWindow
    /// Tile geometry; nil when 1-D input was drawn as a line plot.
    public let layout: MontageLayout?
    /// Number of NaN or infinite elements (drawn in `nonFiniteColor`).
    public let nonFiniteCount: Int
    /// `256x64, magnitude, window 0..1.3e-3`.
    public let summary: String
    /// The file written, when `Snapshot.write` made this.
    public internal(set) var path: String?

    /// `wrote slice0.png (256x64, magnitude, window 0..1.3e-3)` after a write, else the summary.
    public var description: String {
        if let path { return "wrote \(path) (\(summary))" }
        return summary
    }
}

/// Renders arrays as pictures: 2-D arrays as images, higher ranks as montages of 2-D tiles,
/// 1-D arrays as line plots. See `SnapshotOptions` for orientation and defaults.
public enum Snapshot {
    /// Renders `array` into a raster.
    public static func render(_ array: NDArray, options: SnapshotOptions = SnapshotOptions(),
                              operation: String = "snapshot") throws -> SnapshotResult {
        guard array.rank >= 1 else {
            throw GraphicsError(operation, "cannot draw a 0-d array (a single value); give at least a 1-D array")
        }
        guard array.count > 0 else {
            throw GraphicsError(operation, "cannot draw an empty array of shape \(Shape.text(array.shape)) \(array.dtype)")
        }
        try validate(options, operation: operation)
        if array.rank == 1 { return try renderLine(array, options: options, operation: operation) }

        let display = try DisplayValues(array, mode: options.mode, operation: operation)
        let window = try DisplayWindow.resolve(options.scaling, mode: options.mode, values: display.values,
                                               autoPercentile: options.autoPercentile, operation: operation)
        let colormap = options.effectiveColormap
        let n0 = array.shape[0], n1 = array.shape[1]
        let tiles = array.count / (n0 * n1)
        let (w, h) = options.transpose ? (n1, n0) : (n0, n1)
        guard let tileWidth = checkedProduct(w, options.zoom), let tileHeight = checkedProduct(h, options.zoom) else {
            throw GraphicsError(operation, "shape \(Shape.text(array.shape)) at zoom \(options.zoom) is too large to draw")
        }
        let columns = min(tiles, options.columns ?? Int(Double(tiles).squareRoot().rounded(.up)))
        let rows = (tiles + columns - 1) / columns
        let titleHeight = options.title == nil ? 0 : BitmapFont.lineHeight + 8
        guard let montageWidth = checkedSum(checkedProduct(columns, tileWidth), checkedProduct(columns - 1, options.gap)),
              let montageHeight = checkedSum(checkedProduct(rows, tileHeight), checkedProduct(rows - 1, options.gap)),
              montageWidth <= Raster.maxPixelCount, montageHeight <= Raster.maxPixelCount else {
            throw GraphicsError(operation, "a montage of \(tiles) tiles of \(tileWidth)x\(tileHeight) is too large to draw")
        }
        let layout = MontageLayout(tileWidth: tileWidth, tileHeight: tileHeight, tileCount: tiles, columns: columns,
                                   rows: rows, gap: options.gap, originX: 0, originY: titleHeight)

        let panel = legendPanel(options: options, window: window, montageHeight: montageHeight)
        var raster = try Raster(width: montageWidth + panel.width,
                                height: titleHeight + max(montageHeight, panel.height), fill: .black,
                                operation: operation)
        try drawTiles(into: &raster, display: display, shape: array.shape, layout: layout, window: window,
                      colormap: colormap, options: options)
        if options.tileLabels != .none {
            try drawTileLabels(into: &raster, shape: array.shape, layout: layout, labels: options.tileLabels,
                               operation: operation)
        }
        if options.legend {
            panel.draw(&raster, montageWidth, titleHeight)
        }
        if let title = options.title {
            raster.drawText(title, x: max(2, (raster.width - BitmapFont.width(of: title)) / 2), y: 4, color: .white)
        }

        let nonFinite = countNonFinite(display)
        var parts = ["\(raster.width)x\(raster.height)"]
        if tiles > 1 { parts.append("\(tiles) tiles (\(columns)x\(rows) grid of \(tileWidth)x\(tileHeight))") }
        parts.append(options.mode.rawValue)
        if colormap != defaultColormap(options.mode) { parts.append(colormap.rawValue) }
        parts.append("window \(window.text)")
        if nonFinite > 0 { parts.append("\(nonFinite) NaN/Inf") }
        return SnapshotResult(raster: raster, mode: options.mode, colormap: colormap, window: window, layout: layout,
                              nonFiniteCount: nonFinite, summary: parts.joined(separator: ", "), path: nil)
    }

    /// Renders `array` and writes it to `path` as a PNG (grayscale when every pixel is gray).
    public static func write(_ array: NDArray, to path: String, options: SnapshotOptions = SnapshotOptions(),
                             operation: String = "snapshot") throws -> SnapshotResult {
        var result = try render(array, options: options, operation: operation)
        try result.raster.write(to: path, operation: operation)
        result.path = path
        return result
    }

    // MARK: - Pieces

    private static func validate(_ o: SnapshotOptions, operation: String) throws {
        guard (1...64).contains(o.zoom) else { throw GraphicsError(operation, "zoom must be an integer in 1…64, got \(o.zoom)") }
        guard (0...64).contains(o.gap) else { throw GraphicsError(operation, "gap must be in 0…64 pixels, got \(o.gap)") }
        if let c = o.columns, c < 1 { throw GraphicsError(operation, "columns must be at least 1, got \(c)") }
    }

    static func defaultColormap(_ mode: SnapshotMode) -> Colormap {
        var o = SnapshotOptions()
        o.mode = mode
        return o.effectiveColormap
    }

    private static func countNonFinite(_ d: DisplayValues) -> Int {
        var n = 0
        if let phase = d.phase {
            for i in 0..<d.values.count where !d.values[i].isFinite || !phase[i].isFinite { n += 1 }
        } else {
            for v in d.values where !v.isFinite { n += 1 }
        }
        return n
    }

    /// Colours every montage pixel; rows of the montage are shared between the cores.
    private static func drawTiles(into raster: inout Raster, display: DisplayValues, shape: [Int], layout: MontageLayout,
                                  window: DisplayWindow, colormap: Colormap, options: SnapshotOptions) throws {
        let n0 = shape[0], n1 = shape[1]
        let (w, h) = options.transpose ? (n1, n0) : (n0, n1)
        let zoom = options.zoom, gap = options.gap
        let scale = window.scale
        let values = display.values, phase = display.phase
        let lut = colormap.table
        // Complex mode: every (hue, brightness) pair precomputed, hue-major.
        let shaded: [RGB] = phase == nil ? [] : Colormap.complexWheel.flatMap { hue in
            (0..<256).map { hue.scaled(by: Double($0) / 255) }
        }
        let bad = options.nonFiniteColor
        /// Colour of element i (arrays are only read, so the workers may share them).
        func color(_ i: Int) -> RGB {
            let v = values[i]
            guard let phase else { return v.isFinite ? lut[window.index(v, scale: scale)] : bad }
            let p = phase[i]
            guard v.isFinite && p.isFinite else { return bad }
            let hue = min(255, max(0, Int((Double(p) + .pi) / (2 * .pi) * 255 + 0.5)))
            return shaded[hue * 256 + window.index(v, scale: scale)]
        }
        let rasterWidth = raster.width
        try raster.pixels.withUnsafeMutableBufferPointer { out in
            try ParallelFor.chunks(count: layout.height, grain: 8) { rowRange in
                for py in rowRange {
                    var o = ((layout.originY + py) * rasterWidth + layout.originX) * 3
                    func put(_ c: RGB, _ n: Int) {
                        for _ in 0..<n {
                            out[o] = c.r; out[o + 1] = c.g; out[o + 2] = c.b
                            o += 3
                        }
                    }
                    let band = py / (layout.tileHeight + gap), within = py % (layout.tileHeight + gap)
                    if within >= layout.tileHeight {
                        put(options.gapColor, layout.width)
                        continue
                    }
                    let ty = within / zoom
                    let sy = options.flipY ? h - 1 - ty : ty
                    for c in 0..<layout.columns {
                        if c > 0 { put(options.gapColor, gap) }
                        let k = band * layout.columns + c
                        if k >= layout.tileCount {
                            put(.black, layout.tileWidth)
                            continue
                        }
                        let tileBase = k * n0 * n1
                        for tx in 0..<w {
                            let sx = options.flipX ? w - 1 - tx : tx
                            put(color(tileBase + (options.transpose ? sy + n0 * sx : sx + n0 * sy)), zoom)
                        }
                    }
                }
            }
        }
    }

    /// Writes each tile's extra-dimension indices (or named indices) into its top-left corner.
    private static func drawTileLabels(into raster: inout Raster, shape: [Int], layout: MontageLayout,
                                       labels: TileLabels, operation: String) throws {
        let extra = Array(shape.dropFirst(2))
        if case .named(let names) = labels, names.count != extra.count {
            throw GraphicsError(operation, "\(names.count) tile label name(s) given for \(extra.count) extra dimension(s) (shape \(Shape.text(shape)))")
        }
        if case .captions(let captions) = labels, captions.count != layout.tileCount {
            throw GraphicsError(operation, "\(captions.count) caption(s) given for \(layout.tileCount) tile(s) (shape \(Shape.text(shape)))")
        }
        for k in 0..<layout.tileCount {
            if k % 256 == 0 { try Interrupt.check() }
            var rest = k
            var indices: [Int] = []
            for size in extra {
                indices.append(rest % size)
                rest /= size
            }
            let text: String
            switch labels {
            case .none: return
            case .indices: text = indices.map(String.init).joined(separator: ",")
            case .named(let names): text = zip(names, indices).map { "\($0) \($1)" }.joined(separator: " ")
            case .captions(let captions): text = captions[k]
            }
            let origin = layout.tileOrigin(k)
            raster.drawOutlinedText(text, x: origin.x + 2, y: origin.y + 2, color: .white, outline: .black)
        }
    }

    /// The legend panel's size and a closure drawing it at (x, y).
    private static func legendPanel(options: SnapshotOptions, window: DisplayWindow, montageHeight: Int)
        -> (width: Int, height: Int, draw: (inout Raster, Int, Int) -> Void) {
        guard options.legend else { return (0, 0, { _, _, _ in }) }
        let text = RGB(gray: 220)
        if options.mode == .phase || options.mode == .complex {
            let radius = min(64, max(20, montageHeight / 4))
            let size = Legend.wheelSize(radius: radius)
            let complex = options.mode == .complex
            let lut = complex ? Colormap.complexWheel : options.effectiveColormap.table
            let wheel: (Double) -> RGB = { p in
                lut[min(255, max(0, Int((p + .pi) / (2 * .pi) * 255 + 0.5)))]
            }
            return (size.width, size.height, { raster, x, y in
                Legend.drawPhaseWheel(into: &raster, x: x, y: y, radius: radius, complex: complex, wheel: wheel, textColor: text)
            })
        }
        let labels = (bottom: compactNumber(window.floor), middle: compactNumber((window.floor + window.ceiling) / 2),
                      top: compactNumber(window.ceiling))
        let width = Legend.colorbarWidth(labels: [labels.bottom, labels.middle, labels.top])
        let barHeight = min(256, max(48, montageHeight - 24))
        let lut = options.effectiveColormap.table
        return (width, barHeight + 24, { raster, x, y in
            Legend.drawColorbar(into: &raster, x: x, y: y + 12, height: barHeight,
                                colorAt: { lut[min(255, max(0, Int($0 * 255 + 0.5)))] },
                                labels: labels, textColor: text, frameColor: RGB(gray: 160))
        })
    }

    /// 1-D input: a line plot of the shown values against the index (real and imaginary parts
    /// as two lines in complex mode). Explicit `.range`/`.window` scaling sets the y range.
    private static func renderLine(_ array: NDArray, options: SnapshotOptions, operation: String) throws -> SnapshotResult {
        var plotOptions = options.plot
        if plotOptions.title == nil { plotOptions.title = options.title }
        switch options.scaling {
        case .range(let f, let c) where plotOptions.yLimits == nil:
            guard f.isFinite && c.isFinite && c > f else {
                throw GraphicsError(operation, "ceiling (\(compactNumber(c))) must be greater than floor (\(compactNumber(f))), both finite")
            }
            plotOptions.yLimits = f...c
        case .window(let level, let width) where plotOptions.yLimits == nil:
            guard level.isFinite && width.isFinite && width > 0 else {
                throw GraphicsError(operation, "window width must be positive and finite, got \(compactNumber(width))")
            }
            plotOptions.yLimits = (level - width / 2)...(level + width / 2)
        default: break
        }
        var series: [[Double]]
        if options.mode == .complex {
            let re = try DisplayValues(array, mode: .real, operation: operation).values.map(Double.init)
            let im = try DisplayValues(array, mode: .imag, operation: operation).values.map(Double.init)
            series = [re, im]
            if plotOptions.labels == nil { plotOptions.labels = ["real", "imag"] }
        } else {
            series = [try DisplayValues(array, mode: options.mode, operation: operation).values.map(Double.init)]
        }
        if plotOptions.yLabel == nil { plotOptions.yLabel = options.mode == .complex ? "value" : options.mode.rawValue }
        if plotOptions.xLabel == nil { plotOptions.xLabel = "index" }
        let plot = try Plot.render(series: series, x: nil, options: plotOptions, operation: operation)
        let nonFinite = series.reduce(0) { $0 + $1.filter { !$0.isFinite }.count }
        let window = DisplayWindow(floor: plot.area.yLower, ceiling: plot.area.yUpper)
        var summary = "\(plot.raster.width)x\(plot.raster.height), plot of \(options.mode.rawValue), \(array.count) points"
        if nonFinite > 0 { summary += ", \(nonFinite) NaN/Inf" }
        return SnapshotResult(raster: plot.raster, mode: options.mode, colormap: options.effectiveColormap,
                              window: window, layout: nil, nonFiniteCount: nonFinite, summary: summary, path: nil)
    }
}

/// a × b, or nil on overflow or a negative operand.
func checkedProduct(_ a: Int, _ b: Int) -> Int? {
    guard a >= 0 && b >= 0 else { return nil }
    let (p, o) = a.multipliedReportingOverflow(by: b)
    return o ? nil : p
}

/// a + b of two optional sizes, or nil on overflow.
func checkedSum(_ a: Int?, _ b: Int?) -> Int? {
    guard let a, let b else { return nil }
    let (s, o) = a.addingReportingOverflow(b)
    return o ? nil : s
}

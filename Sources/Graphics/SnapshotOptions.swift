/// Text drawn in the top-left corner of each montage tile.
public enum TileLabels: Sendable, Equatable {
    /// No labels (the default).
    case none
    /// The tile's indices along the extra dimensions: `3`, or `1,2` for several.
    case indices
    /// One name per extra dimension (dimension 2 onwards): `["slc"]` gives `slc 3`,
    /// `["cha", "slc"]` gives `cha 1 slc 2`.
    case named([String])
    /// One caption per tile, in tile order (`["R = 1", "R = 2"]`).
    case captions([String])
}

/// Options of `Snapshot.render`/`Snapshot.write`; the language's `snapshot(x, path, …)`
/// keyword arguments map onto these fields.
///
/// Orientation: array dimension 0 runs horizontally (left → right), dimension 1 vertically
/// (top → bottom), so an object taller in y looks taller. `transpose` swaps the two before the
/// flips. Dimensions 2 and up become montage tiles, laid out left to right then top to bottom in
/// column-major index order (dimension 2 fastest). 1-D input is drawn as a line plot of the
/// shown value against the index (real and imaginary parts as two lines in complex mode).
public struct SnapshotOptions: Sendable {
    /// What is shown of each element.
    public var mode: SnapshotMode = .magnitude
    /// How values map to colours (see `Scaling`; default: 0…99.5th percentile of magnitude).
    public var scaling: Scaling = .auto
    /// Percentile used by `.auto` scaling (0…100).
    public var autoPercentile: Double = 99.5
    /// Colour map; nil picks gray for magnitude, diverging for real/imag and cyclic for phase.
    /// Ignored in complex mode, which always uses the phase wheel.
    public var colormap: Colormap? = nil
    /// Swap dimensions 0 and 1 (dimension 0 then runs vertically).
    public var transpose = false
    /// Mirror each tile left ↔ right.
    public var flipX = false
    /// Mirror each tile top ↔ bottom.
    public var flipY = false
    /// Integer magnification; every array element becomes a zoom × zoom block (1…64).
    public var zoom = 1
    /// Montage columns; nil chooses ⌈√tiles⌉.
    public var columns: Int? = nil
    /// Pixels between montage tiles (0…64).
    public var gap = 0
    /// Colour of the gaps between tiles.
    public var gapColor = RGB(gray: 128)
    /// Labels on the tiles.
    public var tileLabels: TileLabels = .none
    /// Draw a colour key to the right: a colour bar with the window, or the phase wheel in
    /// phase and complex modes.
    public var legend = false
    /// Title drawn above the picture.
    public var title: String? = nil
    /// Colour of NaN and ±Inf elements.
    public var nonFiniteColor: RGB = .magenta
    /// Size, labels and style used when the input is 1-D (drawn as a line plot).
    public var plot = PlotOptions()

    /// The defaults: magnitude, auto scaling, gray, no montage options.
    public init() {}

    /// The colour map used for `mode`.
    public var effectiveColormap: Colormap {
        if mode == .complex { return .cyclic }
        if let c = colormap { return c }
        switch mode {
        case .magnitude: return .gray
        case .real, .imag: return .diverging
        case .phase, .complex: return .cyclic
        }
    }
}

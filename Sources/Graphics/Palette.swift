/// Line and marker colours for plots: eight hues chosen far apart in LCh at similar lightness
/// (L* 45–62), so lines are told apart by hue and none dominates; used in order, then repeated.
public enum Palette {
    /// (L*, C*, hue°) of each entry: blue, orange, green, red, violet, olive, teal, pink.
    static let specification: [(Double, Double, Double)] = [
        (45, 60, 265), (62, 70, 55), (55, 55, 140), (48, 70, 25),
        (45, 50, 305), (58, 55, 95), (55, 40, 200), (55, 55, 345),
    ]

    /// The line colours in order.
    public static let lines: [RGB] = specification.map { ColorScience.rgb(l: $0.0, c: $0.1, hueDegrees: $0.2) }

    /// Colour of line `k` (cycling through `lines`).
    public static func line(_ k: Int) -> RGB { lines[((k % lines.count) + lines.count) % lines.count] }
}

/// Where the tiles of a snapshot sit in the picture.
public struct MontageLayout: Sendable, Equatable {
    /// Tile size in pixels, zoom included.
    public let tileWidth: Int
    /// Tile height in pixels, zoom included.
    public let tileHeight: Int
    /// Number of tiles (product of dimensions 2 and up; 1 for a 2-D array).
    public let tileCount: Int
    /// Grid size.
    public let columns: Int
    /// Grid rows.
    public let rows: Int
    /// Pixels between tiles.
    public let gap: Int
    /// Pixel offset of the montage's top-left corner (below a title).
    public let originX: Int
    /// Vertical pixel offset of the montage (the title strip's height).
    public let originY: Int

    /// Width of the montage (tiles and gaps).
    public var width: Int { columns * tileWidth + (columns - 1) * gap }
    /// Height of the montage.
    public var height: Int { rows * tileHeight + (rows - 1) * gap }

    /// Top-left pixel of tile `k` (tiles fill rows left to right, then go down).
    public func tileOrigin(_ k: Int) -> (x: Int, y: Int) {
        (originX + (k % columns) * (tileWidth + gap), originY + (k / columns) * (tileHeight + gap))
    }
}

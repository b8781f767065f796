import Foundation

/// The character grid and (when the terminal reports it) pixel size of the terminal on a descriptor.
public struct TerminalSize: Equatable, Sendable {
    /// Character columns.
    public var columns: Int
    /// Pixels per character cell horizontally (an assumed 8 when the terminal does not say).
    public var cellWidth: Int

    /// A size given directly.
    public init(columns: Int, cellWidth: Int) {
        self.columns = max(1, columns)
        self.cellWidth = max(1, cellWidth)
    }

    /// The size of the terminal on `descriptor` (80 columns of 8 pixels when it cannot be asked).
    public static func of(_ descriptor: Int32 = STDOUT_FILENO) -> TerminalSize {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else {
            return TerminalSize(columns: 80, cellWidth: 8)
        }
        let cell = size.ws_xpixel > 0 ? Int(size.ws_xpixel) / Int(size.ws_col) : 8
        return TerminalSize(columns: Int(size.ws_col), cellWidth: cell)
    }

    /// Widest picture in pixels that fits: the whole width but one column (so the cursor does not wrap).
    public var maxPixelWidth: Int { max(1, columns - 1) * cellWidth }

    /// Columns a picture `pixelWidth` wide should span: its natural width, or the terminal's
    /// width when it is wider (the terminal then scales it down, keeping the aspect ratio).
    public func columnsFor(pixelWidth: Int) -> Int {
        min(max(1, columns - 1), max(1, (pixelWidth + cellWidth - 1) / cellWidth))
    }
}

import NDArray

extension Display {
    /// The REPL's view of a value on a terminal `width` columns wide: like `show(_:)`, but small
    /// arrays are laid out to fit: vectors wrap, matrices too wide for the terminal hide their
    /// middle columns behind `…`, and arrays of rank 3 and more print as 2-D slices
    /// (`[:, :, 1] =`), the way Julia and NumPy show them.
    public static func show(_ v: Value, width: Int) -> String {
        guard case .array(let a) = v, a.count > 0, a.count <= smallArray, a.rank >= 1 else { return show(v) }
        let header = "\(Shape.dims(a.shape)) \(a.dtype), \(formatBytes(a.byteCount))"
        let width = Swift.max(width, 20)
        switch a.rank {
        case 1:
            return header + "\n" + wrappedVector(a, width: width)
        case 2:
            return header + "\n" + fittedGrid(a, width: width)
        default:
            return header + "\n" + slices(a, width: width)
        }
    }

    /// `[1.0, 2.0, …]` broken into lines of at most `width` characters.
    static func wrappedVector(_ a: NDArray, width: Int) -> String {
        let items = (0..<a.count).map { element(a.scalar(flat: $0), a.dtype) }
        var lines: [String] = []
        var line = "["
        for (i, item) in items.enumerated() {
            let piece = item + (i == items.count - 1 ? "]" : ",")
            if line.count > 1 && line.count + 1 + piece.count > width {
                lines.append(line)
                line = " " + piece
            } else {
                line += (line == "[" ? "" : " ") + piece
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// A matrix as right-aligned columns (row i = first index); when it is wider than `width`,
    /// the middle columns are left out and a `…` column marks where.
    static func fittedGrid(_ a: NDArray, width: Int) -> String {
        let rows = a.shape[0], columns = a.shape[1]
        var cells = [[String]](repeating: [], count: rows)
        var cellWidth = 0
        for i in 0..<rows {
            for j in 0..<columns {
                let s = (try? a.element([i, j])).map { element($0, a.dtype) } ?? "?"
                cells[i].append(s)
                cellWidth = Swift.max(cellWidth, s.count)
            }
        }
        // Each line is one leading space, then columns of cellWidth separated by two spaces.
        func lineWidth(_ n: Int) -> Int { 1 + n * cellWidth + 2 * Swift.max(n - 1, 0) }
        var shown = Array(0..<columns)
        var gap: Int?
        if lineWidth(columns) > width {
            var keep = columns
            while keep > 1 && lineWidth(keep) + 3 > width { keep -= 1 }
            let left = (keep + 1) / 2, right = keep - left
            shown = Array(0..<left) + Array((columns - right)..<columns)
            gap = left
        }
        func pad(_ s: String) -> String { String(repeating: " ", count: cellWidth - s.count) + s }
        return cells.map { row -> String in
            var parts = shown.map { pad(row[$0]) }
            if let g = gap { parts.insert("…", at: g) }
            return " " + parts.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Each 2-D slice `[:, :, k, …]` (later indices varying slowest), separated by blank lines.
    static func slices(_ a: NDArray, width: Int) -> String {
        let outer = Array(a.shape.dropFirst(2))
        let count = outer.reduce(1, *)
        var blocks: [String] = []
        var index = [Int](repeating: 0, count: outer.count)
        for _ in 0..<count {
            let keys: [Index] = [.all, .all] + index.map { .int($0) }
            if let slice = try? a.get(keys) {
                let label = "[:, :, " + index.map(String.init).joined(separator: ", ") + "] ="
                blocks.append(label + "\n" + fittedGrid(slice, width: width))
            }
            // Next index, first trailing axis fastest (column-major, like the data).
            for d in 0..<index.count {
                index[d] += 1
                if index[d] < outer[d] { break }
                index[d] = 0
            }
        }
        return blocks.joined(separator: "\n\n")
    }
}

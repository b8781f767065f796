/// mrs's own 5×7 pixel font for ASCII 32–126, with two descender rows (g, j, p, q, y, comma,
/// underscore). Each glyph is drawn in a 6×10 cell: one column and one row of spacing.
/// Characters outside ASCII 32–126 are drawn as `?`.
public enum BitmapFont {
    /// Glyph width in pixels (without spacing).
    public static let glyphWidth = 5
    /// Glyph height in pixels, descenders included.
    public static let glyphHeight = 9
    /// Horizontal advance per character.
    public static let advance = 6
    /// Vertical advance per line.
    public static let lineHeight = 10
    /// Height of capitals and digits above the baseline (rows 0…6).
    public static let capHeight = 7

    /// Glyph rows for characters 32…126: rows top to bottom separated by spaces, `#` = ink.
    /// Missing trailing rows are blank. Designed for this project, one row per pixel line.
    static let glyphSource: [String] = [
        "",                                                         // space
        "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",                // !
        ".#.#. .#.#. .#.#.",                                        // "
        ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",                // #
        "..#.. .#### #.#.. .###. ..#.# ####. ..#..",                // $
        "##... ##..# ...#. ..#.. .#... #..## ...##",                // %
        ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",                // &
        "..#.. ..#.. .#...",                                        // '
        "...#. ..#.. .#... .#... .#... ..#.. ...#.",                // (
        ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",                // )
        "..... ..#.. #.#.# .###. #.#.# ..#.. .....",                // *
        "..... ..#.. ..#.. ##### ..#.. ..#.. .....",                // +
        "..... ..... ..... ..... ..... .##.. ..#.. .#...",          // ,
        "..... ..... ..... ##### ..... ..... .....",                // -
        "..... ..... ..... ..... ..... .##.. .##..",                // .
        "..... ....# ...#. ..#.. .#... #.... .....",                // /
        ".###. #...# #..## #.#.# ##..# #...# .###.",                // 0
        "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",                // 1
        ".###. #...# ....# ...#. ..#.. .#... #####",                // 2
        "##### ...#. ..#.. ...#. ....# #...# .###.",                // 3
        "...#. ..##. .#.#. #..#. ##### ...#. ...#.",                // 4
        "##### #.... ####. ....# ....# #...# .###.",                // 5
        "..##. .#... #.... ####. #...# #...# .###.",                // 6
        "##### ....# ...#. ..#.. .#... .#... .#...",                // 7
        ".###. #...# #...# .###. #...# #...# .###.",                // 8
        ".###. #...# #...# .#### ....# ...#. .##..",                // 9
        "..... .##.. .##.. ..... .##.. .##.. .....",                // :
        "..... .##.. .##.. ..... .##.. ..#.. .#...",                // ;
        "...#. ..#.. .#... #.... .#... ..#.. ...#.",                // <
        "..... ..... ##### ..... ##### ..... .....",                // =
        ".#... ..#.. ...#. ....# ...#. ..#.. .#...",                // >
        ".###. #...# ....# ...#. ..#.. ..... ..#..",                // ?
        ".###. #...# ....# .##.# #.#.# #.#.# .###.",                // @
        ".###. #...# #...# ##### #...# #...# #...#",                // A
        "####. #...# #...# ####. #...# #...# ####.",                // B
        ".###. #...# #.... #.... #.... #...# .###.",                // C
        "###.. #..#. #...# #...# #...# #..#. ###..",                // D
        "##### #.... #.... ####. #.... #.... #####",                // E
        "##### #.... #.... ####. #.... #.... #....",                // F
        ".###. #...# #.... #.### #...# #...# .####",                // G
        "#...# #...# #...# ##### #...# #...# #...#",                // H
        ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",                // I
        "..### ...#. ...#. ...#. ...#. #..#. .##..",                // J
        "#...# #..#. #.#.. ##... #.#.. #..#. #...#",                // K
        "#.... #.... #.... #.... #.... #.... #####",                // L
        "#...# ##.## #.#.# #.#.# #...# #...# #...#",                // M
        "#...# #...# ##..# #.#.# #..## #...# #...#",                // N
        ".###. #...# #...# #...# #...# #...# .###.",                // O
        "####. #...# #...# ####. #.... #.... #....",                // P
        ".###. #...# #...# #...# #.#.# #..#. .##.#",                // Q
        "####. #...# #...# ####. #.#.. #..#. #...#",                // R
        ".#### #.... #.... .###. ....# ....# ####.",                // S
        "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",                // T
        "#...# #...# #...# #...# #...# #...# .###.",                // U
        "#...# #...# #...# #...# #...# .#.#. ..#..",                // V
        "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",                // W
        "#...# #...# .#.#. ..#.. .#.#. #...# #...#",                // X
        "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",                // Y
        "##### ....# ...#. ..#.. .#... #.... #####",                // Z
        ".###. .#... .#... .#... .#... .#... .###.",                // [
        "..... #.... .#... ..#.. ...#. ....# .....",                // backslash
        ".###. ...#. ...#. ...#. ...#. ...#. .###.",                // ]
        "..#.. .#.#. #...#",                                        // ^
        "..... ..... ..... ..... ..... ..... ..... #####",          // _
        ".#... ..#.. ...#.",                                        // `
        "..... ..... .###. ....# .#### #...# .####",                // a
        "#.... #.... #.##. ##..# #...# #...# ####.",                // b
        "..... ..... .###. #.... #.... #...# .###.",                // c
        "....# ....# .##.# #..## #...# #...# .####",                // d
        "..... ..... .###. #...# ##### #.... .###.",                // e
        "..##. .#..# .#... ###.. .#... .#... .#...",                // f
        "..... ..... .#### #...# #...# #..## .##.# ....# .###.",    // g
        "#.... #.... #.##. ##..# #...# #...# #...#",                // h
        "..#.. ..... .##.. ..#.. ..#.. ..#.. .###.",                // i
        "...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..",    // j
        "#.... #.... #..#. #.#.. ##... #.#.. #..#.",                // k
        ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",                // l
        "..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#",                // m
        "..... ..... #.##. ##..# #...# #...# #...#",                // n
        "..... ..... .###. #...# #...# #...# .###.",                // o
        "..... ..... ####. #...# #...# #...# ####. #.... #....",    // p
        "..... ..... .#### #...# #...# #...# .#### ....# ....#",    // q
        "..... ..... #.##. ##..# #.... #.... #....",                // r
        "..... ..... .###. #.... .###. ....# ####.",                // s
        ".#... .#... ###.. .#... .#... .#..# ..##.",                // t
        "..... ..... #...# #...# #...# #..## .##.#",                // u
        "..... ..... #...# #...# #...# .#.#. ..#..",                // v
        "..... ..... #...# #...# #.#.# #.#.# .#.#.",                // w
        "..... ..... #...# .#.#. ..#.. .#.#. #...#",                // x
        "..... ..... #...# #...# #...# .#### ....# #...# .###.",    // y
        "..... ..... ##### ...#. ..#.. .#... #####",                // z
        "...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.",                // {
        "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",                // |
        ".#... ..#.. ..#.. ...#. ..#.. ..#.. .#...",                // }
        "..... ..... .#... #.#.# ...#. ..... .....",                // ~
    ]

    /// Bit rows per glyph (bit 4 = leftmost column), parsed once from `glyphSource`.
    static let glyphs: [[UInt8]] = glyphSource.map { source in
        var rows = source.split(separator: " ").map { row -> UInt8 in
            row.reduce(UInt8(0)) { ($0 << 1) | ($1 == "#" ? 1 : 0) }
        }
        while rows.count < glyphHeight { rows.append(0) }
        return rows
    }

    /// Bit rows of the glyph for a character (`?` outside ASCII 32–126).
    static func rows(for character: Character) -> [UInt8] {
        if let ascii = character.asciiValue, ascii >= 32, ascii <= 126 {
            return glyphs[Int(ascii) - 32]
        }
        return glyphs[Int(Character("?").asciiValue ?? 63) - 32]
    }

    /// Width in pixels of `text` drawn at integer `scale` (no trailing spacing).
    public static func width(of text: String, scale: Int = 1) -> Int {
        let n = text.count
        return n == 0 ? 0 : (n * advance - 1) * scale
    }

    /// Height in pixels of one line at `scale`, descenders included.
    public static func height(scale: Int = 1) -> Int { glyphHeight * scale }
}

extension Raster {
    /// Draws `text` with its top-left corner at (x, y), each font pixel a `scale`×`scale` block.
    public mutating func drawText(_ text: String, x: Int, y: Int, color: RGB, scale: Int = 1) {
        let s = max(1, scale)
        var penX = x
        for character in text {
            let rows = BitmapFont.rows(for: character)
            for (r, bits) in rows.enumerated() where bits != 0 {
                for c in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - c)) != 0 {
                    fillRect(x: penX + c * s, y: y + r * s, width: s, height: s, color)
                }
            }
            penX += BitmapFont.advance * s
        }
    }

    /// Draws `text` with a one-pixel `outline` around every stroke so it stays readable on any
    /// image (used for tile labels over pictures).
    public mutating func drawOutlinedText(_ text: String, x: Int, y: Int, color: RGB, outline: RGB, scale: Int = 1) {
        for dy in -1...1 {
            for dx in -1...1 where dx != 0 || dy != 0 {
                drawText(text, x: x + dx, y: y + dy, color: outline, scale: scale)
            }
        }
        drawText(text, x: x, y: y, color: color, scale: scale)
    }

    /// Draws `text` turned 90° counter-clockwise (reading bottom to top), its bounding box's
    /// top-left corner at (x, y): used for y-axis labels.
    public mutating func drawTextVertical(_ text: String, x: Int, y: Int, color: RGB, scale: Int = 1) {
        let s = max(1, scale)
        let length = BitmapFont.width(of: text, scale: s)
        var pen = 0
        for character in text {
            let rows = BitmapFont.rows(for: character)
            for (r, bits) in rows.enumerated() where bits != 0 {
                for c in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - c)) != 0 {
                    // Glyph column → upward distance, glyph row → rightward distance.
                    let u = pen + c * s
                    fillRect(x: x + r * s, y: y + length - u - s, width: s, height: s, color)
                }
            }
            pen += BitmapFont.advance * s
        }
    }
}

/// libedit's history file format (`_HiStOrY_V2_`, one entry a line, special characters escaped
/// the way BSD `strvis` does), so a history file can be shared with other libedit programs and
/// multi-line entries survive a round trip.
public enum HistoryFileFormat {
    /// The first line of a libedit history file.
    public static let cookie = "_HiStOrY_V2_"

    /// One entry as a line of the file (without the newline): space, tab and newline as octal,
    /// backslash as `\134`, other control characters as `\^X`, everything else as UTF-8.
    /// This is byte for byte what libedit writes in a UTF-8 locale.
    public static func encode(_ entry: String) -> String {
        var out: [UInt8] = []
        for byte in entry.utf8 {
            switch byte {
            case 0x20, 0x09, 0x0a, 0x5c:
                out += [0x5c, 0x30 + (byte >> 6), 0x30 + ((byte >> 3) & 7), 0x30 + (byte & 7)]
            case 0x00..<0x20:
                out += [0x5c, UInt8(ascii: "^"), byte + 0x40]
            case 0x7f:
                out += [0x5c, UInt8(ascii: "^"), UInt8(ascii: "?")]
            default:
                out.append(byte)  // only ASCII bytes are replaced, so the UTF-8 stays valid
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes one line as libedit's `strunvis` would: octal, `\^X`, `\M-x`, C-style and hex
    /// escapes; unknown escapes keep the character. Invalid UTF-8 becomes U+FFFD.
    public static func decode(_ line: Substring) -> String {
        var bytes: [UInt8] = []
        let input = Array(line.utf8)
        var i = 0
        func peek(_ k: Int) -> UInt8? { i + k < input.count ? input[i + k] : nil }
        while i < input.count {
            let c = input[i]
            guard c == 0x5c, let next = peek(1) else {
                bytes.append(c)
                i += 1
                continue
            }
            i += 2
            var meta: UInt8 = 0
            var code = next
            if next == UInt8(ascii: "M") {
                // \M-x is x with the high bit set; \M^X is a control character with it.
                meta = 0x80
                guard let kind = peek(0) else { bytes.append(meta); break }
                if kind == UInt8(ascii: "-"), let x = peek(1) {
                    bytes.append(x | meta)
                    i += 2
                    continue
                }
                code = kind
                i += 1
            }
            switch code {
            case UInt8(ascii: "^"):
                guard let x = peek(0) else { break }
                bytes.append((x == UInt8(ascii: "?") ? 0x7f : x & 0x1f) | meta)
                i += 1
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var v = Int(code - 0x30)
                for _ in 0..<2 {
                    guard let d = peek(0), (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(d) else { break }
                    v = v * 8 + Int(d - 0x30)
                    i += 1
                }
                bytes.append(UInt8(truncatingIfNeeded: v))
            case UInt8(ascii: "x"):
                var v = 0, digits = 0
                while digits < 2, let d = peek(0), let h = hexValue(d) {
                    v = v * 16 + h
                    digits += 1
                    i += 1
                }
                bytes.append(digits == 0 ? UInt8(ascii: "x") : UInt8(v))
            case UInt8(ascii: "$"):
                break  // an explicit end marker: nothing
            default:
                let escapes: [UInt8: UInt8] = [
                    UInt8(ascii: "n"): 0x0a, UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0d, UInt8(ascii: "b"): 0x08,
                    UInt8(ascii: "a"): 0x07, UInt8(ascii: "v"): 0x0b, UInt8(ascii: "f"): 0x0c, UInt8(ascii: "s"): 0x20,
                    UInt8(ascii: "E"): 0x1b, UInt8(ascii: "e"): 0x1b,
                ]
                bytes.append((escapes[code] ?? code) | meta)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The whole file for a list of entries.
    public static func file(_ entries: [String]) -> String {
        ([cookie] + entries.map(encode)).joined(separator: "\n") + "\n"
    }

    /// The entries of a file's text. A file without the cookie (e.g. a plain readline history)
    /// is read one entry a line, without unescaping.
    public static func entries(inFile text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first == Substring(cookie) else { return lines.map(String.init) }
        lines.removeFirst()
        return lines.map(decode)
    }

    private static func hexValue(_ d: UInt8) -> Int? {
        switch d {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(d - 0x30)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(d - 0x61 + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(d - 0x41 + 10)
        default: return nil
        }
    }
}

/// A small Markdown → HTML renderer for reports: headings, paragraphs, bullet and numbered
/// lists, fenced code, inline code, bold, italics, links and images. Enough for lesson text;
/// anything it does not know is shown as text, escaped.
enum Markdown {
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Inline markup of one line of text (already split into blocks).
    static func inline(_ text: String) -> String {
        var out = ""
        let chars = Array(text)
        var i = 0
        func find(_ c: Character, from: Int) -> Int? {
            var j = from
            while j < chars.count { if chars[j] == c { return j }; j += 1 }
            return nil
        }
        while i < chars.count {
            let c = chars[i]
            if c == "`", let j = find("`", from: i + 1) {
                out += "<code>" + escape(String(chars[(i + 1)..<j])) + "</code>"
                i = j + 1
            } else if c == "*" && i + 1 < chars.count && chars[i + 1] == "*",
                      let j = (i + 2 < chars.count ? (i + 2..<chars.count - 1).first { chars[$0] == "*" && chars[$0 + 1] == "*" } : nil) {
                out += "<strong>" + inline(String(chars[(i + 2)..<j])) + "</strong>"
                i = j + 2
            } else if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] != " ", let j = find(c, from: i + 1), j > i + 1,
                      c == "*" || (i == 0 || !chars[i - 1].isLetter) {
                out += "<em>" + inline(String(chars[(i + 1)..<j])) + "</em>"
                i = j + 1
            } else if c == "!" && i + 1 < chars.count && chars[i + 1] == "[", let close = find("]", from: i + 2),
                      close + 1 < chars.count, chars[close + 1] == "(", let end = find(")", from: close + 2) {
                let alt = String(chars[(i + 2)..<close]), url = String(chars[(close + 2)..<end])
                out += "<img src=\"\(escape(url))\" alt=\"\(escape(alt))\">"
                i = end + 1
            } else if c == "[", let close = find("]", from: i + 1), close + 1 < chars.count, chars[close + 1] == "(",
                      let end = find(")", from: close + 2) {
                let label = String(chars[(i + 1)..<close]), url = String(chars[(close + 2)..<end])
                out += "<a href=\"\(escape(url))\">\(inline(label))</a>"
                i = end + 1
            } else {
                out += escape(String(c))
                i += 1
            }
        }
        return out
    }

    static func html(_ markdown: String) -> String {
        var out = ""
        var paragraph: [String] = []
        var listKind: String?
        var inCode = false
        func closeParagraph() {
            if !paragraph.isEmpty { out += "<p>" + paragraph.map(inline).joined(separator: "\n") + "</p>\n"; paragraph = [] }
        }
        func closeList() {
            if let k = listKind { out += "</\(k)>\n"; listKind = nil }
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                closeParagraph(); closeList()
                out += inCode ? "</code></pre>\n" : "<pre><code>"
                inCode.toggle()
                continue
            }
            if inCode { out += escape(line) + "\n"; continue }
            let trimmed = line.trimmingCharacters(in: " ")
            if trimmed.isEmpty { closeParagraph(); closeList(); continue }
            if let level = trimmed.prefix(while: { $0 == "#" }).count as Int?, level > 0, level <= 6,
               trimmed.dropFirst(level).first == " " {
                closeParagraph(); closeList()
                out += "<h\(level)>" + inline(String(trimmed.dropFirst(level + 1))) + "</h\(level)>\n"
                continue
            }
            if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
                closeParagraph()
                if listKind != "ul" { closeList(); out += "<ul>\n"; listKind = "ul" }
                out += "<li>" + inline(String(trimmed.dropFirst(2))) + "</li>\n"
                continue
            }
            if let dot = trimmed.firstIndex(of: "."), trimmed[..<dot].allSatisfy(\.isNumber), !trimmed[..<dot].isEmpty,
               trimmed[trimmed.index(after: dot)...].hasPrefix(" ") {
                closeParagraph()
                if listKind != "ol" { closeList(); out += "<ol>\n"; listKind = "ol" }
                out += "<li>" + inline(String(trimmed[trimmed.index(dot, offsetBy: 2)...])) + "</li>\n"
                continue
            }
            closeList()
            paragraph.append(trimmed)
        }
        closeParagraph(); closeList()
        if inCode { out += "</code></pre>\n" }
        return out
    }
}

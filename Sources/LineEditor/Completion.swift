/// What a completion callback returns: candidate texts for the word before the cursor, and how
/// many characters before the cursor that word spans (they are replaced by the choice).
public struct Completion: Equatable, Sendable {
    /// Full replacement texts, e.g. `["fft", "fftshift"]` for the typed `ff`.
    public var candidates: [String]
    /// Characters before the cursor that a candidate replaces.
    public var replacing: Int

    /// A completion of the last `replacing` characters before the cursor.
    public init(candidates: [String], replacing: Int) {
        self.candidates = candidates
        self.replacing = replacing
    }

    /// No candidates.
    public static let none = Completion(candidates: [], replacing: 0)
}

/// What pressing Tab does to the line; computed without a terminal so it can be tested.
public enum CompletionAction: Equatable, Sendable {
    /// Nothing to offer: ring the bell.
    case beep
    /// Delete `deleting` Unicode scalars before the cursor and insert `text`.
    case insert(deleting: Int, text: String)
    /// Several candidates and nothing more to insert: show them.
    case list([String])

    /// The action for a completion of the text before the cursor: one candidate is inserted;
    /// several insert their longest common prefix when it extends the typed word, and are
    /// listed otherwise (so the second Tab lists them).
    public static func plan(_ completion: Completion, before: String) -> CompletionAction {
        var unique: [String] = []
        for c in completion.candidates where !unique.contains(c) { unique.append(c) }
        guard let first = unique.first else { return .beep }
        let word = String(before.suffix(Swift.max(completion.replacing, 0)))
        let deleting = word.unicodeScalars.count
        if unique.count == 1 { return .insert(deleting: deleting, text: first) }
        let prefix = longestCommonPrefix(unique)
        if prefix.count > word.count || (prefix.count == word.count && prefix != word) {
            return .insert(deleting: deleting, text: prefix)
        }
        return .list(unique)
    }
}

/// The longest string every item starts with, compared by characters.
public func longestCommonPrefix(_ items: [String]) -> String {
    guard let first = items.first else { return "" }
    var prefix = first[...]
    for item in items.dropFirst() {
        var end = prefix.startIndex, i = item.startIndex
        while end < prefix.endIndex, i < item.endIndex, prefix[end] == item[i] {
            end = prefix.index(after: end)
            i = item.index(after: i)
        }
        prefix = prefix[..<end]
        if prefix.isEmpty { break }
    }
    return String(prefix)
}

/// Lays items out in columns for a terminal `width` characters wide, filled down then across
/// like `ls`: each column as wide as the longest item plus two spaces, as many columns as fit
/// (at least one), trailing spaces trimmed. Widths count characters (one column each).
public func completionColumns(_ items: [String], width: Int) -> [String] {
    guard !items.isEmpty else { return [] }
    let longest = items.map(\.count).max() ?? 0
    // c columns take c*longest + 2*(c-1) characters; keep one spare so the terminal never wraps.
    let fit = Swift.max(1, (width + 1) / (longest + 2))
    let rows = (items.count + fit - 1) / fit
    let columns = (items.count + rows - 1) / rows
    var lines: [String] = []
    for r in 0..<rows {
        var line = ""
        for c in 0..<columns {
            let k = c * rows + r
            guard k < items.count else { break }
            let item = items[k]
            line += item
            if c < columns - 1 && k + rows < items.count {
                line += String(repeating: " ", count: longest + 2 - item.count)
            }
        }
        lines.append(line)
    }
    return lines
}

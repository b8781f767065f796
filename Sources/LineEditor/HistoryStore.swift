import AtomicFiles
import Foundation

/// Input history: entries in memory plus a file that each accepted entry is appended to at
/// once (a crash loses nothing). Adjacent duplicates and blank entries are dropped; the list and
/// the file are capped. Problems with the file are recorded in `lastError`, never thrown: the
/// editor works without history.
public final class HistoryStore {
    /// The history file, or nil for memory only.
    public let path: String?
    /// The most entries kept.
    public let capacity: Int
    /// Entries, oldest first.
    public private(set) var entries: [String] = []
    /// The last problem reading or writing the file.
    public private(set) var lastError: String?
    /// Lines the file holds (estimated from what we loaded and appended); it is compacted back
    /// to `capacity` entries when this reaches twice that.
    private var linesInFile = 0

    /// Files larger than this are not read (a history file is a few hundred KB at most).
    static let maximumFileBytes = 64 << 20

    /// Loads the history file at `path` if it exists.
    public init(path: String?, capacity: Int = 1000) {
        self.path = path
        self.capacity = Swift.max(capacity, 1)
        guard let path = path, let loaded = readFile(path) else { return }
        entries = HistoryStore.normalised(loaded, capacity: self.capacity)
        linesInFile = loaded.count
        if loaded.count > self.capacity { compact() }
    }

    /// Adds an accepted entry and appends it to the file; returns false when it was dropped
    /// (blank, or the same as the previous entry).
    @discardableResult
    public func add(_ entry: String) -> Bool {
        guard !entry.allSatisfy(\.isWhitespace), entry != entries.last else { return false }
        entries.append(entry)
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        guard let path = path else { return true }
        if append(entry, to: path) {
            linesInFile += 1
            if linesInFile >= 2 * capacity { compact() }
        }
        return true
    }

    /// Entries with blanks and adjacent duplicates removed, the newest `capacity` kept.
    static func normalised(_ list: [String], capacity: Int) -> [String] {
        var out: [String] = []
        for e in list where !e.allSatisfy(\.isWhitespace) && e != out.last { out.append(e) }
        return Array(out.suffix(capacity))
    }

    /// The entries of the file, or nil when it does not exist or cannot be read.
    private func readFile(_ path: String) -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, size <= HistoryStore.maximumFileBytes else {
            lastError = "history file \(path) is unreadable or larger than \(HistoryStore.maximumFileBytes >> 20) MiB; not loaded"
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            lastError = "cannot read history file \(path)"
            return nil
        }
        return HistoryFileFormat.entries(inFile: String(decoding: data, as: UTF8.self))
    }

    /// Appends one encoded line (O_APPEND, so concurrent sessions interleave whole lines),
    /// starting the file with the cookie when it is new or empty.
    private func append(_ entry: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return fail("cannot open history file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        let isEmpty = fstat(fd, &info) == 0 && info.st_size == 0
        let text = (isEmpty ? HistoryFileFormat.cookie + "\n" : "") + HistoryFileFormat.encode(entry) + "\n"
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { return fail("cannot write history file \(path): \(String(cString: strerror(errno)))") }
        return true
    }

    /// Rewrites the file with its newest `capacity` entries. The file is re-read first, so
    /// entries other sessions appended meanwhile are kept; the new file replaces the old one
    /// by rename, so a crash leaves one or the other, never half of one.
    private func compact() {
        guard let path = path else { return }
        let current = HistoryStore.normalised(readFile(path) ?? entries, capacity: capacity)
        do {
            // The history file keeps its 0600 mode (ReplacementFile copies an existing file's mode).
            try ReplacementFile.write(HistoryFileFormat.file(current), to: path)
        } catch {
            _ = fail("cannot replace history file: \(error)")
            return
        }
        linesInFile = current.count
    }

    private func fail(_ message: String) -> Bool {
        lastError = message
        return false
    }
}

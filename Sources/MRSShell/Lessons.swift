import AtomicFiles
import Foundation

/// The lessons shipped in `lessons/`: notebook-style scripts named `NN_title.mrs`. Adding a lesson
/// is adding a file.
public enum Lessons {
    /// One lesson file.
    public struct Entry {
        public let number: Int
        public let path: String
        /// The first heading of its first markdown cell (or the file name).
        public let title: String
        /// Stable key for progress (the file name).
        public var key: String { (path as NSString).lastPathComponent }
    }

    /// Where lessons are looked for: `$MRS_LESSONS`, `./lessons`, then next to the executable's
    /// checkout (`.build/release/mrs` → `lessons/`) or an installed `share/mrs/lessons`.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        var candidates: [String] = []
        if let d = environment["MRS_LESSONS"], !d.isEmpty { candidates.append(d) }
        candidates.append(FileManager.default.currentDirectoryPath + "/lessons")
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(exe.appendingPathComponent("../../lessons").standardized.path)
        candidates.append(exe.appendingPathComponent("../../../lessons").standardized.path)
        candidates.append(exe.appendingPathComponent("../share/mrs/lessons").standardized.path)
        var isDir: ObjCBool = false
        return candidates.first { FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && isDir.boolValue }
    }

    /// The lessons in a directory, by number.
    public static func list(in dir: String) -> [Entry] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".mrs") }
        var out: [Entry] = []
        for f in files {
            guard let n = Int(f.prefix { $0.isNumber }) else { continue }
            let path = (dir as NSString).appendingPathComponent(f)
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let notebook = Notebook(text: text, name: path)
            let heading = notebook.cells.first { $0.kind == .markdown }?.text
                .split(separator: "\n").first { $0.hasPrefix("#") }
                .map { String($0).trimmingCharacters(in: "# ") }
            out.append(Entry(number: n, path: path, title: heading ?? f))
        }
        return out.sorted { $0.number < $1.number }
    }
}

/// Where a student got to in each lesson, kept between sessions in a small JSON file
/// (`~/.mrs_lessons.json`, or `$MRS_LESSON_STATE`).
public final class LessonProgress {
    public struct State: Codable, Equatable {
        /// The cell to continue at (0-based).
        public var cell: Int
        /// Exercise cells answered correctly.
        public var solved: [Int]
    }

    public let path: String?
    private var states: [String: State] = [:]

    public init(path: String?) {
        self.path = path
        if let p = path, let data = FileManager.default.contents(atPath: p),
           let decoded = try? JSONDecoder().decode([String: State].self, from: data) {
            states = decoded
        }
    }

    /// The default file: `$MRS_LESSON_STATE` (empty: none), else `~/.mrs_lessons.json`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let p = environment["MRS_LESSON_STATE"] { return p.isEmpty ? nil : (p as NSString).expandingTildeInPath }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.mrs_lessons.json"
    }

    public func state(_ key: String) -> State? { states[key] }

    /// Records progress and writes the file at once (failure to write only loses the bookmark).
    public func set(_ key: String, _ state: State) {
        states[key] = state
        guard let p = path, let data = try? JSONEncoder().encode(states) else { return }
        try? ReplacementFile.write([UInt8](data), to: p)
    }
}

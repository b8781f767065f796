import CEditLine
import Foundation

/// libedit's own history list (what Up/Down and Ctrl-R search), mirroring `HistoryStore`.
final class LibeditHistory {
    let handle: OpaquePointer
    private var event = HistEvent()

    /// Nil only when libedit cannot allocate.
    init?(capacity: Int) {
        guard let h = history_init() else { return nil }
        handle = h
        mrs_history_setsize(handle, &event, Int32(clamping: capacity))
    }

    deinit { history_end(handle) }

    /// Appends an entry (libedit drops the oldest beyond the capacity).
    func enter(_ entry: String) {
        mrs_history_enter(handle, &event, entry)
    }

    /// The entries, oldest first.
    var entries: [String] {
        var out: [String] = []
        var status = mrs_history_last(handle, &event)
        while status != -1 {
            out.append(event.str.map { String(cString: $0) } ?? "")
            status = mrs_history_prev(handle, &event)
        }
        return out
    }

    /// Saves with libedit's own writer (used by tests to compare file formats).
    func save(to path: String) -> Bool { mrs_history_save(handle, &event, path) != -1 }

    /// Loads with libedit's own reader (used by tests to compare file formats).
    func load(from path: String) -> Bool { mrs_history_load(handle, &event, path) != -1 }
}

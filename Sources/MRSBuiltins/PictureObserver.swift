import MRSLanguage

/// Lets a front end (the REPL's inline pictures, the Jupyter kernel's display_data) see every
/// picture `snapshot`, `plot` and `scatter` write, as it is written.
public enum PictureObserver {
    static let key = "picture_observer"

    /// Calls `observer` with the path of each PNG written from now on (nil stops it).
    public static func install(on interp: Interpreter, _ observer: ((String) -> Void)?) {
        interp.sessionState[key] = observer
    }

    /// Tells the installed observer, if any, that `path` was written; false when none is installed.
    @discardableResult
    public static func written(_ path: String, _ interp: Interpreter) -> Bool {
        guard let observer = interp.sessionState[key] as? (String) -> Void else { return false }
        observer(path.hasPrefix("/") ? path : interp.workingDirectory + "/" + path)
        return true
    }
}

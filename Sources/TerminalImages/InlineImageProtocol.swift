import Foundation

/// The ways a terminal can be sent a picture inline.
public enum InlineImageProtocol: String, Sendable, CaseIterable {
    /// The kitty graphics protocol (kitty, WezTerm, Konsole): `ESC _ G … ESC \` chunks of base64 PNG.
    case kitty
    /// iTerm2's inline-image protocol (iTerm2, WezTerm, VS Code): `ESC ] 1337 ; File=… BEL`.
    case iterm = "iterm2"
    /// DEC sixel graphics (xterm -ti vt340, foot, mlterm), encoded by libsixel.
    case sixel

    /// The protocol a setting names (`kitty`, `iterm`/`iterm2`, `sixel`), or nil.
    public init?(setting: String) {
        switch setting.lowercased() {
        case "kitty": self = .kitty
        case "iterm", "iterm2": self = .iterm
        case "sixel": self = .sixel
        default: return nil
        }
    }
}

/// What the user asked for: detect, never, or one protocol regardless of detection.
public enum InlineImageSetting: Equatable, Sendable {
    case auto
    case off
    case forced(InlineImageProtocol)

    /// The environment variable that holds the setting (`auto`, `off`, `kitty`, `iterm`, `sixel`).
    public static let variable = "MRS_IMAGES"

    /// Parses a setting; nil when the word is not one.
    public init?(_ word: String) {
        switch word.lowercased() {
        case "", "auto": self = .auto
        case "off", "none", "no", "0", "false": self = .off
        default:
            guard let p = InlineImageProtocol(setting: word) else { return nil }
            self = .forced(p)
        }
    }
}

/// Decides from the environment whether (and how) pictures are shown in the terminal.
public enum InlineImageDetection {
    /// The answer from the environment alone: a protocol, none, or "ask the terminal" (an xterm
    /// that may or may not have sixel graphics).
    public enum Verdict: Equatable, Sendable {
        case use(InlineImageProtocol)
        case none
        case queryForSixel
    }

    /// Never on a pipe or file (batch runs, redirected output), never on a dumb terminal or with
    /// NO_COLOR unless forced; a forced protocol still needs a terminal.
    public static func verdict(environment env: [String: String], outputIsTerminal: Bool,
                               setting: InlineImageSetting? = nil) -> Verdict {
        guard outputIsTerminal else { return .none }
        let chosen = setting ?? env[InlineImageSetting.variable].flatMap(InlineImageSetting.init) ?? .auto
        switch chosen {
        case .off: return .none
        case .forced(let p): return .use(p)
        case .auto: break
        }
        let term = env["TERM"] ?? ""
        if env["NO_COLOR"] != nil || term.isEmpty || term == "dumb" { return .none }
        let program = env["TERM_PROGRAM"] ?? ""
        if env["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" { return .use(.kitty) }
        if program == "iTerm.app" || env["LC_TERMINAL"] == "iTerm2" || program == "WezTerm" || program == "vscode" {
            return .use(.iterm)
        }
        if env["KONSOLE_VERSION"] != nil { return .use(.kitty) }
        if term.hasPrefix("foot") || term.hasPrefix("mlterm") || term.hasPrefix("yaft") || term.contains("sixel") {
            return .use(.sixel)
        }
        // xterm has sixel only when started as a VT340 (-ti vt340): its device attributes say so.
        if term.hasPrefix("xterm") && env["TMUX"] == nil && env["STY"] == nil { return .queryForSixel }
        return .none
    }
}

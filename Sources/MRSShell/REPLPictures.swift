import Foundation
import Graphics
import MRSBuiltins
import MRSLanguage
import NDArray
import TerminalImages

/// Pictures shown inside the terminal: the protocol in use (detected once, changed by
/// `:images`), and how the escape sequences reach the screen.
public final class InlinePictures {
    /// The protocol pictures are drawn with; nil when they are not shown.
    public private(set) var active: InlineImageProtocol?
    /// What the user asked for (`MRS_IMAGES`, then `:images`).
    public private(set) var setting: InlineImageSetting
    private let environment: [String: String]
    private let outputIsTerminal: Bool
    /// Where the escape sequences go.
    var write: (String) -> Void
    /// The terminal's size, asked for each picture (the window may have changed).
    var size: () -> TerminalSize = { TerminalSize.of() }

    /// Detects the protocol from `environment` (asking the terminal when that is the only way).
    public init(environment: [String: String], outputIsTerminal: Bool, write: @escaping (String) -> Void) {
        self.environment = environment
        self.outputIsTerminal = outputIsTerminal
        self.write = write
        setting = environment[InlineImageSetting.variable].flatMap(InlineImageSetting.init) ?? .auto
        active = InlinePictures.resolve(environment: environment, outputIsTerminal: outputIsTerminal, setting: setting)
    }

    /// The protocol for a setting, querying an xterm for sixel support when needed.
    static func resolve(environment: [String: String], outputIsTerminal: Bool, setting: InlineImageSetting) -> InlineImageProtocol? {
        switch InlineImageDetection.verdict(environment: environment, outputIsTerminal: outputIsTerminal, setting: setting) {
        case .use(let p): return p
        case .none: return nil
        case .queryForSixel: return TerminalQuery.deviceAttributes()?.contains(4) == true ? .sixel : nil
        }
    }

    /// Changes the setting; returns what is in effect now.
    @discardableResult
    public func change(to newSetting: InlineImageSetting) -> InlineImageProtocol? {
        setting = newSetting
        active = InlinePictures.resolve(environment: environment, outputIsTerminal: outputIsTerminal, setting: newSetting)
        return active
    }

    /// Draws the PNG at `path`, if pictures are on. A picture that cannot be drawn is skipped
    /// with a note: the file itself was written.
    public func show(_ path: String) {
        guard let p = active else { return }
        do {
            let bytes = try InlineImageEncoder.encode(pngFile: path, as: p, size: size())
            write(String(decoding: bytes, as: UTF8.self))
        } catch {
            write("(cannot show \(path) inline: \(error))\n")
        }
    }

    /// One line saying what `:images` is set to.
    public var status: String {
        let how: String
        switch setting {
        case .auto: how = "auto"
        case .off: how = "off"
        case .forced(let p): how = p.rawValue
        }
        let shown = active.map { "pictures are shown with the \($0.rawValue) protocol" } ?? "pictures are not shown in this terminal"
        return "images: \(how) — \(shown) (:images auto|off|kitty|iterm|sixel; \(InlineImageSetting.variable) sets the default)"
    }
}

extension REPL {
    /// `:images [SETTING]`: shows or changes how pictures appear in the terminal.
    func images(_ argument: String) {
        guard let pictures else {
            errorOutput(":images: pictures are only shown in the interactive shell\n")
            return
        }
        if !argument.isEmpty {
            guard let s = InlineImageSetting(argument) else {
                errorOutput(":images takes auto, off, kitty, iterm or sixel (got '\(argument)')\n")
                return
            }
            pictures.change(to: s)
        }
        output(pictures.status + "\n")
    }

    /// `:show EXPR`: the array as a picture (a snapshot with the default options) in the terminal
    /// or the notebook, or, where pictures cannot be shown, in a temporary PNG whose path is printed.
    func showPicture(_ code: String) {
        guard !code.trimmingCharacters(in: .whitespaces).isEmpty else {
            errorOutput(":show needs an array, e.g. :show abs(img)\n")
            return
        }
        let result = session.run(code, name: nextInputName)
        inputCount += 1
        switch result {
        case .failure(let e):
            report(e)
        case .success(let outcome):
            guard case .array(let x)? = outcome.value else {
                errorOutput(":show needs an array, got \(outcome.value?.typeDescription ?? "nothing")\n")
                return
            }
            REPL.showCount += 1
            let path = NSTemporaryDirectory() + "mrs-show-\(getpid())-\(REPL.showCount).png"
            do {
                _ = try Snapshot.write(x, to: path)
            } catch {
                errorOutput(":show: \(error)\n")
                return
            }
            if let pictures {
                if pictures.active != nil { pictures.show(path) } else {
                    output("wrote \(path) (this terminal does not show pictures; :images explains)\n")
                }
            } else if !PictureObserver.written(path, session.interp) {
                // Outside the shell a front end (the Jupyter kernel) may show it; else say where it is.
                output("wrote \(path)\n")
            }
        }
    }
}

import Foundation

/// Character-set set-up libedit needs to read multi-byte (UTF-8) input.
enum TerminalLocale {
    /// Takes the character type from the environment (LC_ALL/LC_CTYPE/LANG), falling back to
    /// C.UTF-8 when that is not UTF-8, so typed UTF-8 works even with LANG unset. Only LC_CTYPE
    /// changes: numbers keep printing with a decimal point whatever the user's locale.
    static func setUp() {
        setlocale(LC_CTYPE, "")
        if !isUTF8 { setlocale(LC_CTYPE, "C.UTF-8") }
    }

    /// True when the current character type is UTF-8.
    static var isUTF8: Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}

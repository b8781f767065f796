import Foundation
import MRSBuiltins
import MRSLanguage
import XCTest

/// Every built-in is documented, and docs/builtins.md is what the registry generates.
final class RegistryTests: XCTestCase {
    let registry = Builtins.makeRegistry()

    func testEveryEntryHasSummaryAndExample() {
        for e in registry.entries {
            XCTAssertFalse(e.summary.isEmpty, "\(e.name) has no summary")
            XCTAssertFalse(e.example.isEmpty, "\(e.name) has no example")
            XCTAssertTrue(e.signature.hasPrefix(e.name + "("), "\(e.name): signature '\(e.signature)' does not start with the name")
            XCTAssertTrue(registry.families.contains { $0.name == e.family }, "\(e.name): family '\(e.family)' is not registered")
        }
        for c in registry.constants {
            XCTAssertFalse(c.summary.isEmpty, "constant \(c.name) has no summary")
        }
    }

    func testNamesAreUnique() {
        let names = registry.entries.map(\.name) + registry.constants.map(\.name)
        XCTAssertEqual(names.count, Set(names).count, "duplicate built-in names")
    }

    func testGeneratedReferenceIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("docs/builtins.md")
        let onDisk = (try? String(contentsOf: path, encoding: .utf8)) ?? ""
        XCTAssertEqual(onDisk, Reference.markdown(registry),
                       "docs/builtins.md is stale: regenerate it with `swift run mrs --reference > docs/builtins.md`")
    }

    /// The examples parse (they are shown to users as runnable code).
    func testExamplesParse() {
        let interp = Interpreter(registry: registry)
        _ = interp
        for e in registry.entries {
            let src = SourceFile(name: "example of \(e.name)", text: e.example)
            XCTAssertNoThrow(try SyntaxCheck.check(src), "example of \(e.name) does not parse:\n\(e.example)")
        }
    }
}

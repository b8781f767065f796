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

    /// The built-ins that write files, start programs or wait say so on their entries (the fuzzer's
    /// sandbox refuses exactly those); the ones known to do it are marked, and an entry whose own
    /// code calls a writer, a program or sleep is marked.
    func testBuiltinsWithEffectsAreMarked() throws {
        let marked = { (effect: BuiltinEffects) in Set(self.registry.entries.filter { $0.effects.contains(effect) }.map(\.name)) }
        XCTAssertTrue(marked(.writesFiles).isSuperset(of: ["save", "write_text", "snapshot", "plot", "scatter", "ismrmrd_create", "ismrmrd_write",
                                                           "ismrmrd_write_array", "ismrmrd_write_images", "ismrmrd_close", "run_chain", "report", "simulate_acquisition"]))
        XCTAssertTrue(marked(.runsPrograms).isSuperset(of: ["bart", "python", "has_toolbox"]))
        XCTAssertEqual(marked(.waits), ["sleep"])
        XCTAssertFalse(marked(.writesFiles).contains("load"), "reading is not an effect")

        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("Sources/MRSBuiltins")
        let effectful = try NSRegularExpression(pattern: #"ReplacementFile|Writer\.|\.write\(|PythonBridge\(|BARTRunner|usleep|Spawn"#)
        var scanned = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            for chunk in text.components(separatedBy: "BuiltinEntry(\"").dropFirst() {
                let name = String(chunk.prefix { $0 != "(" })
                guard registry.entry(name) != nil else { continue }
                // The entry's own text, up to the next entry or the end of the table.
                let body = chunk.components(separatedBy: "\n        },").first ?? chunk
                scanned += 1
                if effectful.firstMatch(in: body, range: NSRange(body.startIndex..., in: body)) != nil {
                    XCTAssertFalse(registry.entry(name)!.effects.isEmpty, "\(name) (\(file)) writes, spawns or sleeps but its entry declares no effects:")
                }
            }
        }
        XCTAssertGreaterThan(scanned, 150)
    }

    func testNamesAreUnique() {
        XCTAssertEqual(registry.duplicateNames, [], "names registered twice (the later replaced the earlier)")
        let names = registry.entries.map(\.name) + registry.constants.map(\.name)
        XCTAssertEqual(names.count, Set(names).count, "duplicate built-in names")
        // The check itself can fail.
        let r = Registry()
        r.add([ConstantEntry("x", family: "t", value: .int(1), summary: "one")])
        r.add([ConstantEntry("x", family: "t", value: .int(2), summary: "two")])
        XCTAssertEqual(r.duplicateNames, ["x"])
    }

    /// Every parameter a built-in's code reads inside its entry is declared in its signature (a
    /// misspelt option would otherwise be silently ignored). Scans the family sources; the golden
    /// scripts and lessons check the same at run time through `Args.undeclaredLookups`.
    func testEntriesReadOnlyDeclaredParameters() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("Sources/MRSBuiltins")
        let lookup = try NSRegularExpression(pattern: #"\ba(?:\.[a-zA-Z]+\(|\[)"([A-Za-z_0-9]+)""#)
        var checked = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            for chunk in text.components(separatedBy: "BuiltinEntry(\"").dropFirst() {
                // The signature literal ends at the first quote that is not escaped.
                // An interpolated name (`\\(name)(x)`, a table of reductions) reads as `name`.
                var literal = "", escaped = false, interpolating = false
                for ch in chunk {
                    if interpolating { if ch == ")" { interpolating = false }; continue }
                    if escaped {
                        escaped = false
                        if ch == "(" { interpolating = true; literal += "name" } else { literal.append(ch) }
                    } else if ch == "\\" { escaped = true } else if ch == "\"" { break } else { literal.append(ch) }
                }
                let (name, params) = BuiltinEntry.parseSignature(literal)
                let declared = Set(params.map(\.name))
                // The entry's code runs up to the next entry or the end of the table.
                let body = chunk.components(separatedBy: "\n    ]").first ?? chunk
                let ns = body as NSString
                for m in lookup.matches(in: body, range: NSRange(location: 0, length: ns.length)) {
                    let used = ns.substring(with: m.range(at: 1))
                    XCTAssertTrue(declared.contains(used), "\(file): \(name) reads '\(used)', which its signature does not declare")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 200, "the scan found the built-ins' argument reads")
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

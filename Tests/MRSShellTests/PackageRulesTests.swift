import Foundation
import PeerTestSupport
import XCTest

/// Every target declares the package modules it imports (SwiftPM on Linux builds an undeclared
/// import as long as the module happens to be built first, so nothing else catches it).
final class PackageRulesTests: XCTestCase {
    func testEveryImportedModuleIsADeclaredDependency() throws {
        let manifest = try String(contentsOf: packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let target = try NSRegularExpression(pattern: #"\.(target|testTarget|executableTarget)\(name: "(\w+)"(?:, dependencies: \[([^\]]*)\])?([^\n]*)"#)
        let quoted = try NSRegularExpression(pattern: #""(\w+)""#)
        let importLine = try NSRegularExpression(pattern: #"^\s*(?:@testable\s+)?import\s+(\w+)"#, options: .anchorsMatchLines)
        let text = manifest as NSString
        var declared: [String: (deps: Set<String>, folder: String)] = [:]
        for m in target.matches(in: manifest, range: NSRange(location: 0, length: text.length)) {
            let kind = text.substring(with: m.range(at: 1)), name = text.substring(with: m.range(at: 2))
            let depsText = m.range(at: 3).location == NSNotFound ? "" : text.substring(with: m.range(at: 3))
            let deps = Set(quoted.matches(in: depsText, range: NSRange(location: 0, length: (depsText as NSString).length))
                .map { (depsText as NSString).substring(with: $0.range(at: 1)) })
            let rest = text.substring(with: m.range(at: 4))
            var folder = (kind == "testTarget" ? "Tests/" : "Sources/") + name
            if let r = rest.range(of: #"path: "([^"]+)""#, options: .regularExpression) {
                folder = String(rest[r].dropFirst(7).dropLast())
            }
            declared[name] = (deps, folder)
        }
        XCTAssertGreaterThan(declared.count, 20, "targets found in Package.swift")
        // The C library targets, as Package.swift declares them with its `systemLibrary` helper.
        let systemLibraryCall = try NSRegularExpression(pattern: #"systemLibrary\("(\w+)""#)
        let systemLibraries = systemLibraryCall.matches(in: manifest, range: NSRange(location: 0, length: text.length))
            .map { text.substring(with: $0.range(at: 1)) }
        XCTAssertTrue(systemLibraries.contains("CZip") && systemLibraries.contains("CXML2"), "\(systemLibraries)")
        let modules = Set(declared.keys).union(systemLibraries)
        for (name, info) in declared.sorted(by: { $0.key < $1.key }) {
            let dir = packageRoot.appendingPathComponent(info.folder)
            guard let files = FileManager.default.enumerator(atPath: dir.path) else { continue }
            var imported = Set<String>()
            for case let file as String in files where file.hasSuffix(".swift") {
                let source = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                let ns = source as NSString
                for m in importLine.matches(in: source, range: NSRange(location: 0, length: ns.length)) {
                    let module = ns.substring(with: m.range(at: 1))
                    if modules.contains(module) && module != name { imported.insert(module) }
                }
            }
            let missing = imported.subtracting(info.deps)
            XCTAssertTrue(missing.isEmpty, "\(name) imports \(missing.sorted()) without declaring it in Package.swift")
        }
    }
}

import LineEditor
import XCTest

final class CompletionTests: XCTestCase {
    func testLongestCommonPrefix() {
        XCTAssertEqual(longestCommonPrefix([]), "")
        XCTAssertEqual(longestCommonPrefix(["fft"]), "fft")
        XCTAssertEqual(longestCommonPrefix(["fft", "fftshift", "fftn"]), "fft")
        XCTAssertEqual(longestCommonPrefix(["ifft", "fft"]), "")
        XCTAssertEqual(longestCommonPrefix(["ümlaut", "ümlauts", "ümla"]), "ümla")
        // Characters, not bytes: é and e + combining accent are the same character to Swift.
        XCTAssertEqual(longestCommonPrefix(["caf\u{e9}s", "cafe\u{301}"]), "caf\u{e9}")
        XCTAssertEqual(longestCommonPrefix(["caf\u{e9}s", "cafes"]), "caf")
        XCTAssertEqual(longestCommonPrefix(["same", "same"]), "same")
    }

    func testPlan() {
        let before = "x = ff"
        XCTAssertEqual(CompletionAction.plan(.none, before: before), .beep)
        XCTAssertEqual(CompletionAction.plan(Completion(candidates: ["fftshift"], replacing: 2), before: before),
                       .insert(deleting: 2, text: "fftshift"))
        // Several: insert the common prefix while it extends the word …
        XCTAssertEqual(CompletionAction.plan(Completion(candidates: ["fft", "fftshift"], replacing: 2), before: before),
                       .insert(deleting: 2, text: "fft"))
        // … then list them (the second Tab).
        XCTAssertEqual(CompletionAction.plan(Completion(candidates: ["fft", "fftshift", "fft"], replacing: 3), before: "x = fft"),
                       .list(["fft", "fftshift"]))
        // Duplicates of one candidate count as one.
        XCTAssertEqual(CompletionAction.plan(Completion(candidates: ["len", "len"], replacing: 1), before: "l"),
                       .insert(deleting: 1, text: "len"))
        // Deleting counts Unicode scalars: the typed é is e + U+0301 here (two scalars).
        XCTAssertEqual(CompletionAction.plan(Completion(candidates: ["\u{e9}t\u{e9}"], replacing: 1), before: "e\u{301}"),
                       .insert(deleting: 2, text: "\u{e9}t\u{e9}"))
        // A case change of the same length still replaces; an over-long `replacing` is clamped.
        XCTAssertEqual(CompletionAction.plan(Completion(candidates: ["Fft1", "Fft2"], replacing: 3), before: "fft"),
                       .insert(deleting: 3, text: "Fft"))
        XCTAssertEqual(CompletionAction.plan(Completion(candidates: ["abc"], replacing: 10), before: "ab"),
                       .insert(deleting: 2, text: "abc"))
    }

    func testColumns() {
        let items = ["fft", "fftshift", "ifft", "ifftshift", "zeros", "zebra", "print"]
        // Longest 9, columns 11 wide: 80 columns fit 7 (7*9 + 6*2 = 75), so one row.
        XCTAssertEqual(completionColumns(items, width: 80), ["fft        fftshift   ifft       ifftshift  zeros      zebra      print"])
        // 30 columns fit 2 (2*9 + 2 = 20; 3 would need 31): 4 rows, filled down then across.
        XCTAssertEqual(completionColumns(items, width: 30), [
            "fft        zeros",
            "fftshift   zebra",
            "ifft       print",
            "ifftshift",
        ])
        // Too narrow for two: one per line.
        XCTAssertEqual(completionColumns(items, width: 10), items)
        // 7 items in 3 columns would leave one short; rows are balanced as 3, 3, 1.
        XCTAssertEqual(completionColumns(["a", "b", "c", "d", "e", "f", "g"], width: 9), ["a  d  g", "b  e", "c  f"])
        XCTAssertEqual(completionColumns([], width: 80), [])
        XCTAssertEqual(completionColumns(["ümlaut", "ab"], width: 80), ["ümlaut  ab"])
    }
}

import Foundation
@testable import MRSShell
import PeerTestSupport
import XCTest

/// Lessons to .ipynb and back: byte for byte, and cells made in Jupyter come back as cells.
final class NotebookConversionTests: XCTestCase {
    func testEveryLessonComesBackByteForByte() throws {
        let dir = packageRoot.appendingPathComponent("lessons")
        let lessons = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".mrs") }
        XCTAssertFalse(lessons.isEmpty)
        for name in lessons {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let ipynb = try NotebookConversion.ipynb(fromScript: text)
            XCTAssertEqual(try NotebookConversion.script(fromIPYNB: ipynb, name: name), text, name)
            // The notebook's cells are the lesson's cells, markdown uncommented.
            let nb = try XCTUnwrap(try JSONSerialization.jsonObject(with: ipynb) as? [String: Any])
            let cells = try XCTUnwrap(nb["cells"] as? [[String: Any]])
            let markdown = Notebook(text: text, name: name).cells.filter { $0.kind == .markdown }.map(\.text)
            let converted = cells.filter { $0["cell_type"] as? String == "markdown" }
                .map { NotebookConversion.sourceLines($0["source"]).joined(separator: "\n") }
            XCTAssertEqual(converted, markdown, name)
        }
    }

    func testCellsEditedInJupyterComeBackInPercentFormat() throws {
        let nb = ##"{"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "\n", "text"]}, {"cell_type": "code", "metadata": {}, "source": "x = 1\nx", "outputs": [], "execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"##
        let script = try NotebookConversion.script(fromIPYNB: Data(nb.utf8), name: "t.ipynb")
        XCTAssertEqual(script, "# %% [markdown]\n# # Title\n#\n# text\n\n# %%\nx = 1\nx\n")
        let cells = Notebook(text: script, name: "t.mrs").cells
        XCTAssertEqual(cells.map(\.kind), [.markdown, .code])
        XCTAssertEqual(cells[0].text, "# Title\n\ntext")
        XCTAssertThrowsError(try NotebookConversion.script(fromIPYNB: Data("[]".utf8), name: "bad.ipynb"))
    }
}

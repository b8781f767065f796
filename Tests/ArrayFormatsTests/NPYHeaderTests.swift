@testable import ArrayFormats
import NDArray
import XCTest

final class NPYHeaderTests: XCTestCase {
    func testParsesNumpyHeader() throws {
        let h = try NPYHeader.parse("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }   \n")
        XCTAssertEqual(h.type.kind, .float)
        XCTAssertEqual(h.type.size, 8)
        XCTAssertFalse(h.type.bigEndian)
        XCTAssertFalse(h.fortranOrder)
        XCTAssertEqual(h.shape, [3, 4])
    }

    func testParsesVariants() throws {
        // Key order, double quotes, Python 2 long suffixes, one-element and empty tuples.
        let a = try NPYHeader.parse("{\"shape\": (3L, 4L), \"fortran_order\": True, \"descr\": \">i2\"}")
        XCTAssertEqual(a.shape, [3, 4])
        XCTAssertTrue(a.fortranOrder)
        XCTAssertTrue(a.type.bigEndian)
        XCTAssertEqual(a.type.target, .int64)
        XCTAssertEqual(try NPYHeader.parse("{'descr': '|b1', 'fortran_order': False, 'shape': (7,), }").shape, [7])
        XCTAssertEqual(try NPYHeader.parse("{'descr': '<c8', 'fortran_order': False, 'shape': (), }").shape, [])
    }

    func testElementTypeTargets() throws {
        let cases: [(String, DType)] = [
            ("|b1", .bool), ("|i1", .int64), ("<i2", .int64), ("<i4", .int64), ("<i8", .int64),
            ("|u1", .int64), ("<u2", .int64), ("<u4", .int64), ("<u8", .int64),
            ("<f2", .float32), ("<f4", .float32), ("<f8", .float64), ("<c8", .complex64), ("<c16", .complex128),
            (">f8", .float64), ("=f4", .float32),
        ]
        for (d, t) in cases { XCTAssertEqual(try NPYElementType(descriptor: d).target, t, d) }
    }

    func testRejectsBadHeaders() {
        let bad: [(String, String)] = [
            ("{'descr': '<f8', 'shape': (3,), }", "missing key fortran_order"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}", "unexpected key extra"),
            ("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,), }", "structured dtypes"),
            ("{'descr': '<U5', 'fortran_order': False, 'shape': (3,), }", "unsupported dtype '<U5' (text"),
            ("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", "pickled Python objects"),
            ("{'descr': '<f16', 'fortran_order': False, 'shape': (3,), }", "extended precision"),
            ("{'descr': '<f8', 'fortran_order': 1, 'shape': (3,), }", "'fortran_order' is not True or False"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (-3,), }", "negative dimension -3"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", "dimension 99999999999999999999 is too large"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)", "expected ',' or '}'"),
            ("{'descr': '<f8, 'fortran_order': False}", "expected ',' or '}'"),
            ("[1, 2]", "not a dictionary"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': ((((((((((((((((((((1,),),),),),),),),),),),),),),),),),),),), }", "nesting is too deep"),
        ]
        for (text, fragment) in bad {
            do {
                _ = try NPYHeader.parse(text)
                XCTFail("accepted \(text)")
            } catch let p as FormatProblem {
                XCTAssertTrue(p.message.contains(fragment), "\(p.message) lacks \(fragment)")
            } catch {
                XCTFail("\(error)")
            }
        }
    }

    func testEncodesAlignedVersion1Header() {
        let bytes = NPYHeader.encode(dtype: .float32, shape: [2, 3], fortranOrder: true)
        let dict = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }"
        // 10 bytes of prefix + 58 of dict + newline = 69, padded to 128: a header length of 118.
        XCTAssertEqual(dict.utf8.count, 58)
        XCTAssertEqual(bytes.count, 128)
        XCTAssertEqual(Array(bytes[0..<10]), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0])
        XCTAssertEqual(String(decoding: bytes[10..<68], as: UTF8.self), dict)
        XCTAssertTrue(bytes[68..<127].allSatisfy { $0 == 0x20 })
        XCTAssertEqual(bytes[127], 0x0a)
        XCTAssertEqual(NPYHeader.tupleText([]), "()")
        XCTAssertEqual(NPYHeader.tupleText([5]), "(5,)")
    }

    func testHalfPrecisionDecoding() {
        XCTAssertEqual(Float(halfBits: 0x3c00), 1)
        XCTAssertEqual(Float(halfBits: 0xc000), -2)
        XCTAssertEqual(Float(halfBits: 0x7bff), 65504)
        XCTAssertEqual(Float(halfBits: 0x0001), 0x1p-24)
        XCTAssertEqual(Float(halfBits: 0x8000).sign, .minus)
        XCTAssertEqual(Float(halfBits: 0x7c00), .infinity)
        XCTAssertTrue(Float(halfBits: 0x7e00).isNaN)
        XCTAssertEqual(Float(halfBits: 0x3555), 0.333251953125)
    }
}

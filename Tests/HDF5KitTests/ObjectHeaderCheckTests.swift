import Foundation
@testable import HDF5Kit
import PeerTestSupport
import XCTest

/// The object-header check must pass every datatype HDF5 writes (object header versions 1 and 2,
/// datatype versions 1–3, attributes, committed types) and refuse the damage that crashes HDF5 1.10.
final class ObjectHeaderCheckTests: XCTestCase {
    func testEveryKindOfTypeFromH5pyOpensInBothFormatVersions() throws {
        let dir = try makeTemporaryDirectory(self, "objheader")
        // "v108" makes version-2 object headers and version-3 datatypes; the newest format
        // versions are beyond what Debian's HDF5 1.10 reads at all.
        for libver in ["earliest", "v108"] {
            let path = dir.appendingPathComponent("kinds-\(libver).h5").path
            try runPython("""
            import sys, h5py, numpy as np
            f = h5py.File(sys.argv[1], 'w', libver=(sys.argv[2], 'v110'))
            inner = np.dtype([('a', '<i2'), ('b', '<f8', (3,)), ('c', '<u8', (2, 2))])
            row = np.dtype([('head', inner), ('z', '<c8'), ('flag', '?'), ('e', h5py.enum_dtype({'x': 0, 'y': 7}, basetype='u1')),
                            ('s', 'S5'), ('o', 'V3'), ('v', h5py.vlen_dtype(np.float32)), ('t', h5py.string_dtype())])
            d = f.create_dataset('g/rows', (4,), dtype=row)
            d.attrs['scale'] = 2.5
            d.attrs['shape'] = np.arange(6, dtype='<i4').reshape(2, 3)
            d.attrs['label'] = 'a text'
            d.attrs['pair'] = np.zeros((), dtype=[('p', '<f4'), ('q', '<i8', (4,))])
            f['named'] = np.dtype([('re', '<f4'), ('im', '<f4')])
            f.create_dataset('committed', (5,), dtype=f['named'])
            f.create_dataset('wide', data=np.zeros((3, 4), dtype='<f2'))
            g = f['g']
            for k in range(20): g.attrs['many%d' % k] = k  # dense attributes with v108
            f.close()
            """, [path, libver])
            let file = try HDF5File(path: path)
            for name in ["g/rows", "committed", "wide"] {
                let dataset = try file.openDataset(name)
                XCTAssertFalse(dataset.dims.isEmpty, "\(libver) \(name)")
            }
            XCTAssertEqual(try file.openDataset("g/rows").dims, [4])
            // The header was decoded by the check, not skipped: its datatype and attributes are there.
            let types = try file.headerMessages(of: "g/rows").map(\.type)
            XCTAssertTrue(types.contains(ObjectHeaderCheck.datatypeMessage), "\(libver): \(types)")
            XCTAssertEqual(types.filter { $0 == ObjectHeaderCheck.attributeMessage }.count, 4, "\(libver): \(types)")
            let committed = try file.headerMessages(of: "committed")
            XCTAssertTrue(committed.contains { $0.type == ObjectHeaderCheck.datatypeMessage && $0.flags & ObjectHeaderCheck.sharedFlag != 0 }, libver)
            XCTAssertEqual(file.kind(of: "named"), .namedDatatype)
            XCTAssertEqual(file.kind(of: "g"), .group)
            _ = try file.openGroup("g")
        }
    }

    func testDamageInAVersion2HeaderIsFoundBeforeHDF5ReadsIt() throws {
        // The half-float type of 'wide' gets size 0 inside its version-2 object header ("OHDR"),
        // whose checksum no longer matches: HDF5 refuses the header before anything decodes it.
        let path = try makeTemporaryDirectory(self, "objheader").appendingPathComponent("v2.h5").path
        let out = try runPython(#"""
        import sys, re, h5py, numpy as np
        with h5py.File(sys.argv[1], 'w', libver=('v108', 'v110')) as f:
            f.create_dataset('wide', data=np.zeros((3, 4), dtype='<f2'))
            address = f['wide'].id.get_info().addr if hasattr(f['wide'].id, 'get_info') else h5py.h5o.get_info(f['wide'].id).addr
        data = bytearray(open(sys.argv[1], 'rb').read())
        header = bytes(data[address:address + 256])
        m = re.search(rb'\x11...\x02\x00\x00\x00', header, re.S)
        data[address + m.start() + 4] = 0
        open(sys.argv[1], 'wb').write(data)
        print(header[:4].decode())
        """#, [path])
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "OHDR")
        let file = try HDF5File(path: path)
        XCTAssertThrowsError(try file.openDataset("wide")) { error in
            XCTAssertTrue("\(error)".contains("/wide: cannot read the object header: the file is damaged (HDF5: "), "\(error)")
        }
    }

    /// A datatype message: class and version, bit field, size, then properties.
    private func type(_ typeClass: UInt8, version: UInt8 = 1, bits: UInt32 = 0, size: UInt32, _ properties: [UInt8] = []) -> [UInt8] {
        [typeClass | version << 4, UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF)]
            + withUnsafeBytes(of: size.littleEndian, Array.init) + properties
    }
    private func int32(_ size: UInt32) -> [UInt8] { type(0, size: size, [0, 0, UInt8(size * 8), 0]) }
    private func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
    private func name(_ s: String) -> [UInt8] {
        var b = Array(s.utf8) + [0]
        while b.count % 8 != 0 { b.append(0) }
        return b
    }
    private func array(of element: [UInt8], _ extent: UInt32, size: UInt32) -> [UInt8] {
        type(10, version: 2, size: size, [1, 0, 0, 0] + le32(extent) + le32(0) + element)
    }
    private func compound(_ members: [(String, UInt32, [UInt8])], size: UInt32) -> [UInt8] {
        type(6, version: 2, bits: UInt32(members.count), size: size, members.flatMap { name($0.0) + le32($0.1) + $0.2 })
    }
    private func problem(_ bytes: [UInt8]) -> String? {
        var cursor = ByteCursor(bytes[...])
        do {
            _ = try ObjectHeaderCheck.datatype(&cursor, path: "", depth: 0)
            return nil
        } catch let damage as ObjectHeaderCheck.Damage {
            return damage.message
        } catch is ObjectHeaderCheck.NewerFormat {
            return "newer"
        } catch {
            return "\(error)"
        }
    }

    func testConsistentTypesPass() {
        XCTAssertNil(problem(int32(4)))
        XCTAssertNil(problem(array(of: int32(4), 16, size: 64)))
        XCTAssertNil(problem(compound([("a", 0, int32(4)), ("b", 4, array(of: int32(4), 3, size: 12))], size: 16)))
    }

    func testDamageThatCrashesHDF5IsNamed() {
        // A zero-size member type: HDF5 1.10 divides by it while copying the compound.
        XCTAssertEqual(problem(compound([("head", 0, compound([("mask", 0, array(of: int32(8), 16, size: 0))], size: 128))], size: 128)),
                       "'head.mask' has a datatype of size 0")
        XCTAssertEqual(problem(compound([("a", 14, int32(4))], size: 16)), "'a' at byte 14 (4 bytes) lies outside its 16-byte record")
        XCTAssertEqual(problem(array(of: int32(4), 16, size: 60)), "the datatype is an array of 16 elements of 4 bytes but claims 60 bytes")
        XCTAssertEqual(problem(array(of: int32(4), 0, size: 4)), "the datatype is an array with a dimension of 0")
        XCTAssertEqual(problem(type(11, size: 4)), "the datatype has datatype class 11, which HDF5 does not define")
        XCTAssertEqual(problem(type(0, version: 0, size: 4, [0, 0, 32, 0])), "the datatype has datatype version 0")
        // Versions after 3 are newer HDF5's, which HDF5 1.10 refuses by itself.
        XCTAssertEqual(problem(type(0, version: 5, size: 4, [0, 0, 32, 0])), "newer")
        XCTAssertEqual(problem(Array(int32(4).dropLast())), "a datatype message is cut short (11 bytes)")
        // Names without their terminating NUL, and nesting without end.
        XCTAssertNotNil(problem(type(6, version: 2, bits: 1, size: 4, Array("abc".utf8))))
        var nested = int32(4)
        for _ in 0..<40 { nested = type(9, size: 16, nested) }
        XCTAssertEqual(problem(nested), "'\(String(repeating: "[]", count: 33))' nests types more than 32 deep")
    }
}

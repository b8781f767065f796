import Foundation
import ISMRMRD
import NDArray
import PeerTestSupport
import XCTest

/// Files written by `ISMRMRDWriter` are read back by ismrmrd-python and h5py with identical content.
final class WriterInteropTests: XCTestCase {
    static let dumpScript = #"""
import sys, json, numpy as np, ismrmrd, h5py
path, out = sys.argv[1], sys.argv[2]
ds = ismrmrd.Dataset(path, 'dataset', create_if_needed=False)
def plain(v):
    if hasattr(v, '_length_'): return [plain(x) for x in v]
    if hasattr(v, '_fields_'): return {k: plain(getattr(v, k)) for k, _ in v._fields_}
    return v
n = ds.number_of_acquisitions()
heads, datas, trajs = [], [], []
for i in range(n):
    a = ds.read_acquisition(i)
    h = a.getHead()
    heads.append({k: plain(getattr(h, k)) for k, _ in h._fields_})
    datas.append(np.ascontiguousarray(a.data).ravel())
    trajs.append(np.ascontiguousarray(a.traj).ravel())
np.concatenate(datas).astype(np.complex64).tofile(out + '/data.bin')
np.concatenate(trajs).astype(np.float32).tofile(out + '/traj.bin')
xml = ds.read_xml_header()
xml = xml.decode() if isinstance(xml, bytes) else xml
hdr = ismrmrd.xsd.CreateFromDocument(xml)
e = hdr.encoding[0]
header = {
    'matrix': [e.encodedSpace.matrixSize.x, e.encodedSpace.matrixSize.y, e.encodedSpace.matrixSize.z],
    'fov': [e.encodedSpace.fieldOfView_mm.x, e.encodedSpace.fieldOfView_mm.y, e.encodedSpace.fieldOfView_mm.z],
    'e1': [e.encodingLimits.kspace_encoding_step_1.minimum, e.encodingLimits.kspace_encoding_step_1.maximum, e.encodingLimits.kspace_encoding_step_1.center],
    'trajectory': e.trajectory.value,
    'coils': [[c.coilNumber, c.coilName] for c in hdr.acquisitionSystemInformation.coilLabel],
    'TE': list(hdr.sequenceParameters.TE), 'TR': list(hdr.sequenceParameters.TR),
    'long': [[p.name, p.value] for p in hdr.userParameters.userParameterLong],
    'double': [[p.name, p.value] for p in hdr.userParameters.userParameterDouble],
    'h1': hdr.experimentalConditions.H1resonanceFrequency_Hz,
}
images = {}
for series in ['magnitude', 'complex']:
    items = []
    for i in range(ds.number_of_images(series)):
        im = ds.read_image(series, i)
        h = im.getHead()
        attr = im.attribute_string
        attr = attr.decode() if isinstance(attr, bytes) else attr
        np.ascontiguousarray(im.data).astype(np.complex64).tofile('%s/%s_%d.bin' % (out, series, i))
        raw = h5py.File(path, 'r')['dataset/%s/attributes' % series][i]
        raw = raw.decode() if isinstance(raw, bytes) else raw
        items.append({'head': {k: plain(getattr(h, k)) for k, _ in h._fields_}, 'attributes': raw,
                      'meta': {k: im.meta[k] for k in im.meta.keys()},
                      'shape': list(im.data.shape), 'dtype': str(im.data.dtype)})
    images[series] = items
arrays = {}
for name in ['cplx', 'ints', 'dbl']:
    items = []
    for i in range(ds.number_of_arrays(name)):
        arr = ds.read_array(name, i)
        np.ascontiguousarray(arr).astype(np.complex64).tofile('%s/%s_%d.bin' % (out, name, i))
        items.append({'shape': list(arr.shape), 'dtype': str(arr.dtype)})
    arrays[name] = items
f = h5py.File(path, 'r')
d = f['dataset/data']
layout = {'itemsize': d.dtype.itemsize, 'traj': d.dtype.fields['traj'][1], 'data': d.dtype.fields['data'][1],
          'head': d.dtype['head'].itemsize, 'xml_shape': list(f['dataset/xml'].shape),
          'xml_vlen': h5py.check_string_dtype(f['dataset/xml'].dtype) is not None,
          'image_header': f['dataset/magnitude/header'].dtype.itemsize,
          'image_data': list(f['dataset/complex/data'].shape), 'keys': sorted(f['dataset'].keys())}
print(json.dumps({'count': n, 'heads': heads, 'header': header, 'images': images, 'arrays': arrays, 'layout': layout}))
"""#

    /// A header with lists, nested records, escaped text and typed numbers.
    static let header: HeaderValue = .record([
        .init("version", .int(2)),
        .init("acquisitionSystemInformation", .record([
            .init("receiverChannels", .int(3)),
            .init("coilLabel", .list([
                .record([.init("coilNumber", .int(0)), .init("coilName", .string("Body & <Spine>"))]),
                .record([.init("coilNumber", .int(1)), .init("coilName", .string("Head \"Neck\""))]),
            ])),
        ])),
        .init("experimentalConditions", .record([.init("H1resonanceFrequency_Hz", .int(123_200_000))])),
        .init("encoding", .list([.record([
            .init("encodedSpace", .record([
                .init("matrixSize", .record([.init("x", .int(16)), .init("y", .int(8)), .init("z", .int(1))])),
                .init("fieldOfView_mm", .record([.init("x", .double(300.5)), .init("y", .double(200)), .init("z", .double(5))])),
            ])),
            .init("reconSpace", .record([
                .init("matrixSize", .record([.init("x", .int(16)), .init("y", .int(8)), .init("z", .int(1))])),
                .init("fieldOfView_mm", .record([.init("x", .double(300.5)), .init("y", .double(200)), .init("z", .double(5))])),
            ])),
            .init("encodingLimits", .record([
                .init("kspace_encoding_step_1", .record([.init("minimum", .int(0)), .init("maximum", .int(7)), .init("center", .int(4))])),
            ])),
            .init("trajectory", .string("radial")),
        ])])),
        .init("sequenceParameters", .record([
            .init("TR", .list([.double(5.5)])),
            .init("TE", .list([.double(2.25), .double(4.5)])),
        ])),
        .init("userParameters", .record([
            .init("userParameterLong", .list([.record([.init("name", .string("n")), .init("value", .int(-42))])])),
            .init("userParameterDouble", .list([.record([.init("name", .string("d")), .init("value", .double(0.125))])])),
        ])),
    ])

    /// Acquisitions exercising every header field, including uint64 bit 63 and negative user ints.
    static func acquisitions() throws -> [Acquisition] {
        var random = TestRandom(seed: 7)
        return try (0..<10).map { i in
            var h = AcquisitionHeader()
            h.flags = AcquisitionFlag.ACQ_USER8.bit | (i == 0 ? AcquisitionFlag.ACQ_FIRST_IN_ENCODE_STEP1.bit : 0)
            h.measurement_uid = 77
            h.scan_counter = UInt32(i)
            h.acquisition_time_stamp = 4_000_000_000
            h.physiology_time_stamp = [1, 2, UInt32(i)]
            h.available_channels = 4
            h.channel_mask = (0..<16).map { UInt64($0) << 60 | UInt64(i) }
            h.discard_pre = 1
            h.discard_post = 2
            h.center_sample = 8
            h.encoding_space_ref = 0
            h.sample_time_us = 2.5
            h.position = [1.5, -2.25, 3]
            h.read_dir = [1, 0, 0]
            h.phase_dir = [0, 1, 0]
            h.slice_dir = [0, 0, 1]
            h.patient_table_position = [0, 0, -1_259_016]
            h.idx.kspace_encode_step_1 = UInt16(i % 8)
            h.idx.repetition = UInt16(i / 8)
            h.idx.user = (0..<8).map { UInt16($0 * 1000) }
            h.user_int = (0..<8).map { Int32($0) - 4 }
            h.user_float = (0..<8).map { Float($0) / 3 }
            let data = try NDArray((0..<(16 * 3)).map { _ in random.complex() }, shape: [16, 3])
            let traj = try NDArray((0..<(2 * 16)).map { _ in random.float() }, shape: [2, 16])
            return try Acquisition(data: data, traj: traj, head: h)
        }
    }

    func testPeersReadWhatWeWrite() throws {
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("ours.h5").path
        let written = try WriterInteropTests.acquisitions()
        var random = TestRandom(seed: 11)
        let magnitude = try (0..<2).map { k -> ISMRMRDImage in
            var head = ImageHeader()
            head.image_index = UInt16(k)
            head.slice = UInt16(k)
            head.field_of_view = [300.5, 200, 5]
            head.user_int = [1, -1, 2, -2, 3, -3, 4, -4]
            let data = try NDArray((0..<(16 * 8)).map { _ in abs(random.float()) }, shape: [16, 8])
            return ISMRMRDImage(head: head, attributes: "<ismrmrdMeta><meta><name>k</name><value>\(k)</value></meta></ismrmrdMeta>", data: data)
        }
        let complexImage = ISMRMRDImage(data: try NDArray((0..<(16 * 8 * 2 * 3)).map { _ in random.complex() }, shape: [16, 8, 2, 3]))
        let cplx = [try NDArray((0..<24).map { _ in random.complex() }, shape: [4, 3, 2]),
                    try NDArray((0..<24).map { _ in random.complex() }, shape: [4, 3, 2])]
        let ints = try NDArray((0..<10).map { $0 * 1_000_000 - 3 }, shape: [5, 2])
        let dbl = NDArray((0..<7).map { Double($0) / 9 })
        do {
            let writer = try ISMRMRDWriter(path: path)
            try writer.writeHeader(WriterInteropTests.header)
            try writer.append(Array(written[0..<3]))
            try writer.append(Array(written[3...]))
            try writer.appendImages(magnitude, series: "magnitude")
            try writer.appendImages([complexImage], series: "complex")
            for a in cplx { try writer.appendArray(a, name: "cplx") }
            try writer.appendArray(ints, name: "ints")
            try writer.appendArray(dbl, name: "dbl")
            try writer.close()
        }
        let ref = try parseJSONObject(try runPython(WriterInteropTests.dumpScript, [path, dir.path]))

        // Layout identical to the reference library's.
        let layout = ref["layout"] as? [String: Any] ?? [:]
        XCTAssertEqual(layout["itemsize"] as? Int, 376)
        XCTAssertEqual(layout["head"] as? Int, 340)
        XCTAssertEqual(layout["traj"] as? Int, 344)
        XCTAssertEqual(layout["data"] as? Int, 360)
        XCTAssertEqual(layout["xml_shape"] as? [Int], [1])
        XCTAssertEqual(layout["xml_vlen"] as? Bool, true)
        XCTAssertEqual(layout["image_header"] as? Int, 198)
        XCTAssertEqual(layout["image_data"] as? [Int], [1, 3, 2, 8, 16])
        XCTAssertEqual(layout["keys"] as? [String], ["complex", "cplx", "data", "dbl", "ints", "magnitude", "xml"])

        // Acquisitions: every header field, samples and trajectories.
        XCTAssertEqual(ref["count"] as? Int, written.count)
        let heads = ref["heads"] as? [[String: Any]] ?? []
        for (i, a) in written.enumerated() {
            for field in a.head.fields.recordFields ?? [] {
                XCTAssertTrue(headerMatches(field.value, heads[i][field.name]), "acquisition \(i) \(field.name): wrote \(field.value), ismrmrd-python read \(heads[i][field.name] ?? "nothing")")
            }
        }
        XCTAssertEqual(written.flatMap { $0.data.toArray(Complex64.self) }, try readComplex("\(dir.path)/data.bin"))
        XCTAssertEqual(written.flatMap { $0.traj.toArray(Float.self) }, try readFloats("\(dir.path)/traj.bin"))

        // XML header values as ismrmrd-python's schema binding parses them.
        let h = ref["header"] as? [String: Any] ?? [:]
        XCTAssertEqual(h["matrix"] as? [Int], [16, 8, 1])
        XCTAssertEqual(h["fov"] as? [Double], [300.5, 200, 5])
        XCTAssertEqual(h["e1"] as? [Int], [0, 7, 4])
        XCTAssertEqual(h["trajectory"] as? String, "radial")
        XCTAssertEqual((h["coils"] as? [[Any]])?.map { "\($0[0]) \($0[1])" }, ["0 Body & <Spine>", "1 Head \"Neck\""])
        XCTAssertEqual(h["TE"] as? [Double], [2.25, 4.5])
        XCTAssertEqual(h["TR"] as? [Double], [5.5])
        XCTAssertEqual((h["long"] as? [[Any]])?.map { "\($0[0])=\($0[1])" }, ["n=-42"])
        XCTAssertEqual((h["double"] as? [[Any]])?.map { "\($0[0])=\($0[1])" }, ["d=0.125"])
        XCTAssertEqual(h["h1"] as? Int, 123_200_000)

        // Images: header fields, attributes, data type, image type and pixels.
        let images = ref["images"] as? [String: [[String: Any]]] ?? [:]
        XCTAssertEqual(images["magnitude"]?.count, 2)
        for (k, image) in magnitude.enumerated() {
            let theirs = images["magnitude"]?[k] ?? [:]
            let head = theirs["head"] as? [String: Any] ?? [:]
            XCTAssertEqual(head["data_type"] as? Int, 5, "float images are ISMRMRD_FLOAT")
            XCTAssertEqual(head["image_type"] as? Int, 1, "real images default to magnitude")
            XCTAssertEqual(head["matrix_size"] as? [Int], [16, 8, 1])
            XCTAssertEqual(head["channels"] as? Int, 1)
            XCTAssertEqual(head["image_index"] as? Int, k)
            XCTAssertEqual(head["user_int"] as? [Int], [1, -1, 2, -2, 3, -3, 4, -4])
            XCTAssertEqual(head["field_of_view"] as? [Double], [300.5, 200, 5])
            XCTAssertEqual(head["attribute_string_len"] as? Int, image.attributes.utf8.count)
            XCTAssertEqual(theirs["attributes"] as? String, image.attributes)
            XCTAssertEqual((theirs["meta"] as? [String: Any])?["k"] as? String, "\(k)", "ismrmrd-python parses our meta attributes")
            XCTAssertEqual(theirs["shape"] as? [Int], [1, 1, 8, 16])
            XCTAssertEqual(theirs["dtype"] as? String, "float32")
            XCTAssertEqual(try readComplex("\(dir.path)/magnitude_\(k).bin").map(\.re), image.data.toArray(Float.self))
        }
        let c = images["complex"]?.first ?? [:]
        XCTAssertEqual((c["head"] as? [String: Any])?["data_type"] as? Int, 7, "complex float images are ISMRMRD_CXFLOAT")
        XCTAssertEqual((c["head"] as? [String: Any])?["image_type"] as? Int, 5, "complex images default to IMTYPE_COMPLEX")
        XCTAssertEqual(c["shape"] as? [Int], [3, 2, 8, 16])
        XCTAssertEqual(c["dtype"] as? String, "complex64")
        XCTAssertEqual(try readComplex("\(dir.path)/complex_0.bin"), complexImage.data.toArray(Complex64.self))

        // NDArrays: ismrmrd-python sees our shapes reversed (C order) and the same values.
        let arrays = ref["arrays"] as? [String: [[String: Any]]] ?? [:]
        XCTAssertEqual(arrays["cplx"]?.count, 2)
        for k in 0..<2 {
            XCTAssertEqual(arrays["cplx"]?[k]["shape"] as? [Int], [2, 3, 4])
            XCTAssertEqual(try readComplex("\(dir.path)/cplx_\(k).bin"), cplx[k].toArray(Complex64.self))
        }
        XCTAssertEqual(arrays["ints"]?.first?["dtype"] as? String, "int32")
        XCTAssertEqual(try readComplex("\(dir.path)/ints_0.bin").map { Int($0.re) }, ints.toArray(Int.self))
        XCTAssertEqual(arrays["dbl"]?.first?["dtype"] as? String, "float64")
        XCTAssertEqual(try readComplex("\(dir.path)/dbl_0.bin").map(\.re), dbl.toArray(Double.self).map { Float($0) })

        // And we read back what we wrote.
        let file = try ISMRMRDFile(path: path)
        XCTAssertEqual(try file.header(), WriterInteropTests.header)
        let back = try file.acquisitions()
        XCTAssertEqual(back.map(\.head), written.map(\.head))
        XCTAssertEqual(back.flatMap { $0.traj.toArray(Float.self) }, written.flatMap { $0.traj.toArray(Float.self) })
        XCTAssertEqual(try file.images("magnitude").map(\.head.image_index), [0, 1])
        XCTAssertEqual(try file.image("magnitude", index: -1).attributes, magnitude[1].attributes)
        XCTAssertEqual(try file.image("complex", index: 0).data.shape, [16, 8, 2, 3])
        XCTAssertEqual(try file.image("complex", index: 0).data.toArray(Complex64.self), complexImage.data.toArray(Complex64.self))
        XCTAssertEqual(try file.array("cplx", index: 1).toArray(Complex64.self), cplx[1].toArray(Complex64.self))
        XCTAssertEqual(try file.array("ints").toArray(Int.self), ints.toArray(Int.self))
        XCTAssertEqual(try file.imageSeriesNames(), ["complex", "magnitude"])
    }

    func testAppendingToAReferenceFile() throws {
        let dir = try makeTemporaryDirectory(self, "ismrmrd")
        let path = dir.appendingPathComponent("generated.h5").path
        try generateSheppLogan(path, ["-m", "16", "-c", "2", "-k"])
        let before = try ISMRMRDFile(path: path).acquisitions()
        var extra = try Acquisition(data: before[3].data, traj: before[3].traj, head: before[3].head)
        extra.head.scan_counter = 999
        do {
            let writer = try ISMRMRDWriter(path: path, mode: .append)
            try writer.append(extra)
            try writer.appendArray(NDArray([Float(1), 2, 3]), name: "extra")
            try writer.appendImages([ISMRMRDImage(data: try NDArray(zeros: [4, 3], dtype: .float64))], series: "added")
            try writer.close()
        }
        do {
            // Closed again before Python opens the file for writing (HDF5 locks files).
            let file = try ISMRMRDFile(path: path)
            XCTAssertEqual(try file.count, before.count + 1)
            XCTAssertEqual(try file.acquisition(at: -1).head.scan_counter, 999)
            XCTAssertEqual(try file.acquisition(at: -1).traj.toArray(Float.self), before[3].traj.toArray(Float.self))
            XCTAssertEqual(try file.array("phantom").shape, [16, 16], "the generator's arrays are untouched")
        }
        let out = try runPython("""
        import sys, ismrmrd
        ds = ismrmrd.Dataset(sys.argv[1], 'dataset', create_if_needed=False)
        a = ds.read_acquisition(ds.number_of_acquisitions() - 1)
        im = ds.read_image('added', 0)
        print(ds.number_of_acquisitions(), a.scan_counter, [float(x) for x in ds.read_array('extra', 0)], im.data.shape, im.data_type)
        """, [path])
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines),
                       "\(before.count + 1) 999 [1.0, 2.0, 3.0] (1, 1, 3, 4) 6")
    }
}

import Foundation
import ISMRMRD
import NDArray
import PeerTestSupport
import XCTest

/// Files written by the reference generator (`ismrmrd_generate_cartesian_shepp_logan`), read by us
/// and by ismrmrd-python: counts, every header field, flags, XML values, samples, trajectories and
/// the stored ground-truth arrays must agree exactly.
final class ReferenceFileTests: XCTestCase {
    /// Dumps what ismrmrd-python reads: JSON on stdout, samples and arrays as raw binaries.
    static let dumpScript = #"""
import sys, json, numpy as np, ismrmrd
path, out = sys.argv[1], sys.argv[2]
ds = ismrmrd.Dataset(path, 'dataset', create_if_needed=False)
n = ds.number_of_acquisitions()
xml = ds.read_xml_header()
xml = xml.decode() if isinstance(xml, bytes) else xml
flag_names = [k for k in dir(ismrmrd) if k.startswith('ACQ_')]
def plain(v):
    if hasattr(v, '_length_'): return [plain(x) for x in v]
    if hasattr(v, '_fields_'): return {k: plain(getattr(v, k)) for k, _ in v._fields_}
    return v
heads, datas, trajs = [], [], []
for i in range(n):
    a = ds.read_acquisition(i)
    h = a.getHead()
    rec = {k: plain(getattr(h, k)) for k, _ in h._fields_}
    rec['flag_names'] = sorted(k for k in flag_names if a.is_flag_set(getattr(ismrmrd, k)))
    rec['data_shape'] = list(a.data.shape)
    rec['traj_shape'] = list(a.traj.shape)
    heads.append(rec)
    datas.append(np.ascontiguousarray(a.data, dtype=np.complex64).ravel())
    trajs.append(np.ascontiguousarray(a.traj, dtype=np.float32).ravel())
np.concatenate(datas).tofile(out + '/data.bin')
np.concatenate(trajs).astype(np.float32).tofile(out + '/traj.bin')
arrays = {}
for name in ['phantom', 'csm', 'coil_images']:
    arr = ds.read_array(name, 0)
    np.ascontiguousarray(arr).astype(np.complex64).tofile(out + '/' + name + '.bin')
    arrays[name] = list(arr.shape)
hdr = ismrmrd.xsd.CreateFromDocument(xml)
e = hdr.encoding[0]
def lim(l): return None if l is None else [l.minimum, l.maximum, l.center]
def xyz(v): return [v.x, v.y, v.z]
header = {
    'encodings': len(hdr.encoding),
    'encoded_matrix': xyz(e.encodedSpace.matrixSize), 'encoded_fov': xyz(e.encodedSpace.fieldOfView_mm),
    'recon_matrix': xyz(e.reconSpace.matrixSize), 'recon_fov': xyz(e.reconSpace.fieldOfView_mm),
    'e1': lim(e.encodingLimits.kspace_encoding_step_1), 'repetition': lim(e.encodingLimits.repetition),
    'slice': lim(e.encodingLimits.slice), 'trajectory': e.trajectory.value,
    'receiver_channels': hdr.acquisitionSystemInformation.receiverChannels,
    'institution': hdr.acquisitionSystemInformation.institutionName,
    'h1': hdr.experimentalConditions.H1resonanceFrequency_Hz, 'version': hdr.version,
    'acceleration': None if e.parallelImaging is None else [e.parallelImaging.accelerationFactor.kspace_encoding_step_1,
                                                            e.parallelImaging.accelerationFactor.kspace_encoding_step_2],
    'calibration_mode': None if e.parallelImaging is None or e.parallelImaging.calibrationMode is None else e.parallelImaging.calibrationMode.value,
}
print(json.dumps({'count': n, 'xml': xml, 'heads': heads, 'arrays': arrays, 'header': header}))
"""#

    /// Option sets covering acceleration with calibration lines, noise calibration, repetitions,
    /// oversampling, stored trajectories, and different matrix and coil counts.
    static let optionSets: [[String]] = [
        ["-m", "64", "-c", "4"],
        ["-m", "48", "-c", "3", "-a", "2", "-w", "16", "-C"],
        ["-m", "32", "-c", "2", "-r", "3", "-O", "1", "-k"],
        ["-m", "40", "-c", "8", "-a", "3", "-w", "12", "-r", "2", "-C", "-k"],
    ]

    func testGeneratedFilesMatchIsmrmrdPython() throws {
        for options in ReferenceFileTests.optionSets {
            let dir = try makeTemporaryDirectory(self, "ismrmrd")
            let path = dir.appendingPathComponent("phantom.h5").path
            try generateSheppLogan(path, options)
            let ref = try parseJSONObject(try runPython(ReferenceFileTests.dumpScript, [path, dir.path]))
            try compare(path: path, dir: dir.path, reference: ref, options: options)
        }
    }

    private func compare(path: String, dir: String, reference ref: [String: Any], options: [String]) throws {
        let label = options.joined(separator: " ")
        let file = try ISMRMRDFile(path: path)
        let count = try file.count
        XCTAssertEqual(count, ref["count"] as? Int, label)
        XCTAssertEqual(try file.xml(), ref["xml"] as? String, label)

        // Every header field of every acquisition, through three routes: bulk acquisitions, the
        // header table (head member only) and single reads.
        let heads = ref["heads"] as? [[String: Any]] ?? []
        let acquisitions = try file.acquisitions()
        let table = try file.headers()
        XCTAssertEqual(acquisitions.count, count, label)
        XCTAssertEqual(table.count, count, label)
        for (i, a) in acquisitions.enumerated() {
            let expected = heads[i]
            XCTAssertEqual(try table.header(at: i), a.head, "\(label) acquisition \(i)")
            for field in a.head.fields.recordFields ?? [] {
                XCTAssertTrue(headerMatches(field.value, expected[field.name]), "\(label) acquisition \(i) field \(field.name): ours \(field.value), ismrmrd-python \(expected[field.name] ?? "missing")")
            }
            XCTAssertEqual(a.head.flagNames.sorted(), (expected["flag_names"] as? [String])?.sorted(), "\(label) acquisition \(i) flags")
            // ismrmrd-python shapes are C order: data (CHA, RO), traj (RO, D).
            XCTAssertEqual(a.data.shape, (expected["data_shape"] as? [Int])?.reversed(), "\(label) acquisition \(i)")
            XCTAssertEqual(a.traj.shape, (expected["traj_shape"] as? [Int])?.reversed(), "\(label) acquisition \(i)")
        }
        for k in [0, count / 2, count - 1] {
            XCTAssertEqual(try file.acquisition(at: k).head, acquisitions[k].head, label)
        }
        XCTAssertEqual(try file.acquisition(at: -1).data.toArray(Complex64.self), acquisitions[count - 1].data.toArray(Complex64.self), label)

        // Samples and trajectories, all acquisitions concatenated in file order.
        let data = acquisitions.flatMap { $0.data.toArray(Complex64.self) }
        XCTAssertEqual(data, try readComplex("\(dir)/data.bin"), "\(label) samples")
        let traj = acquisitions.flatMap { $0.traj.toArray(Float.self) }
        XCTAssertEqual(traj, try readFloats("\(dir)/traj.bin"), "\(label) trajectories")
        if options.contains("-k") {
            // Every imaging readout carries a 2-D trajectory (the noise readout of -C has none).
            let imaging = acquisitions.filter { !$0.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) }
            XCTAssertTrue(imaging.allSatisfy { $0.head.trajectory_dimensions == 2 && $0.traj.shape == [2, Int($0.head.number_of_samples)] }, label)
            XCTAssertGreaterThan(traj.map(abs).max() ?? 0, 0, "\(label): a stored trajectory is not all zeros")
        }

        // The streaming iterator yields the same acquisitions.
        let stream = try file.stream()
        var streamed = 0
        while let a = try stream.next() {
            XCTAssertEqual(a.head, acquisitions[streamed].head, label)
            streamed += 1
        }
        XCTAssertEqual(streamed, count, label)

        // Header columns agree with the decoded headers.
        XCTAssertEqual(try table.column("idx.kspace_encode_step_1").toArray(Int.self), acquisitions.map { Int($0.head.idx.kspace_encode_step_1) }, label)
        XCTAssertEqual(try table.column("idx.repetition").toArray(Int.self), acquisitions.map { Int($0.head.idx.repetition) }, label)
        XCTAssertEqual(try table.column("read_dir").shape, [count, 3], label)
        XCTAssertEqual(table.hasFlag(.ACQ_IS_NOISE_MEASUREMENT).toArray(Bool.self), acquisitions.map { $0.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) }, label)
        if options.contains("-C") {
            XCTAssertTrue(acquisitions[0].head.isSet(.ACQ_IS_NOISE_MEASUREMENT), "\(label): -C puts a noise readout first")
        }
        if options.contains("-w") {
            XCTAssertTrue(acquisitions.contains { $0.head.isSet(.ACQ_IS_PARALLEL_CALIBRATION) || $0.head.isSet(.ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING) }, label)
        }

        // Ground-truth arrays: ISMRMRD NDArray dims are column-major, so ours are ismrmrd-python's reversed.
        let shapes = ref["arrays"] as? [String: [Int]] ?? [:]
        for name in ["phantom", "csm", "coil_images"] {
            let array = try file.array(name)
            XCTAssertEqual(array.shape, shapes[name]?.reversed(), "\(label) \(name)")
            XCTAssertEqual(array.dtype, .complex64)
            XCTAssertEqual(array.toArray(Complex64.self), try readComplex("\(dir)/\(name).bin"), "\(label) \(name)")
            XCTAssertEqual(try file.arrayCount(name), 1)
        }
        let matrix = Int(options[options.firstIndex(of: "-m")! + 1])!
        let coils = Int(options[options.firstIndex(of: "-c")! + 1])!
        XCTAssertEqual(try file.array("csm").shape, [matrix, matrix, coils], "\(label): csm is [x, y, coil]")

        // XML values typed by the schema.
        let h = try file.header()
        let expected = ref["header"] as? [String: Any] ?? [:]
        let encodings = h["encoding"]?.items ?? []
        XCTAssertEqual(encodings.count, expected["encodings"] as? Int, "\(label): encoding is always a list")
        let e = h.value(at: "encoding.0")
        func xyz(_ path: String) -> [HeaderValue] { ["x", "y", "z"].compactMap { e?.value(at: "\(path).\($0)") } }
        XCTAssertEqual(xyz("encodedSpace.matrixSize"), (expected["encoded_matrix"] as? [Int])?.map { .int($0) }, label)
        XCTAssertEqual(xyz("reconSpace.matrixSize"), (expected["recon_matrix"] as? [Int])?.map { .int($0) }, label)
        XCTAssertEqual(xyz("encodedSpace.fieldOfView_mm"), (expected["encoded_fov"] as? [Double])?.map { .double($0) }, label)
        XCTAssertEqual(xyz("reconSpace.fieldOfView_mm"), (expected["recon_fov"] as? [Double])?.map { .double($0) }, label)
        func limit(_ name: String) -> [Int]? {
            guard let l = e?.value(at: "encodingLimits.\(name)") else { return nil }
            return ["minimum", "maximum", "center"].compactMap { l[$0]?.intValue }
        }
        XCTAssertEqual(limit("kspace_encoding_step_1"), expected["e1"] as? [Int], label)
        XCTAssertEqual(limit("repetition"), expected["repetition"] as? [Int], label)
        XCTAssertNil(limit("slice"), "\(label): the generator writes no slice limit")
        XCTAssertTrue(expected["slice"] is NSNull, label)
        XCTAssertEqual(e?["trajectory"], .string(expected["trajectory"] as? String ?? "?"), label)
        XCTAssertEqual(h.value(at: "acquisitionSystemInformation.receiverChannels"), .int(expected["receiver_channels"] as? Int ?? -1), label)
        XCTAssertEqual(h.value(at: "acquisitionSystemInformation.institutionName"), .string(expected["institution"] as? String ?? "?"), label)
        XCTAssertEqual(h.value(at: "experimentalConditions.H1resonanceFrequency_Hz"), .int(expected["h1"] as? Int ?? -1), label)
        XCTAssertEqual(h["version"], .int(expected["version"] as? Int ?? -1), label)
        if let acceleration = expected["acceleration"] as? [Int] {
            XCTAssertEqual(e?.value(at: "parallelImaging.accelerationFactor.kspace_encoding_step_1"), .int(acceleration[0]), label)
            XCTAssertEqual(e?.value(at: "parallelImaging.accelerationFactor.kspace_encoding_step_2"), .int(acceleration[1]), label)
            XCTAssertEqual(e?.value(at: "parallelImaging.calibrationMode"), .string(expected["calibration_mode"] as? String ?? "?"), label)
        }

        // The listing names everything the generator stored.
        let contents = try file.contents()
        XCTAssertTrue(contents.contains(.header), label)
        XCTAssertTrue(contents.contains(.acquisitions(count: count)), label)
        XCTAssertTrue(contents.contains(.array(name: "csm", count: 1, shape: [matrix, matrix, coils], dtype: .complex64)), label)
    }
}

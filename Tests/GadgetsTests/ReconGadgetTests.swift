import Fourier
import Gadgets
import ISMRMRD
import NDArray
import ParallelImaging
import PeerTestSupport
import Recon
import XCTest

/// Chains of built-in gadgets on files from the reference ISMRMRD generator give the images of
/// the direct library calls, with the image headers Gadgetron sets, and write files that
/// ismrmrd-python reads.
final class ReconGadgetTests: XCTestCase {
    func generate(_ options: [String]) throws -> String {
        let path = try makeTemporaryDirectory(self, "gadgets").appendingPathComponent("sl.h5").path
        try generateSheppLogan(path, options)
        return path
    }

    func chain(_ classes: [(String, [(String, String)])]) throws -> GadgetChain {
        GadgetChain(try classes.map { GadgetChain.Stage(name: $0.0, gadget: try GadgetCatalog.make($0.0, properties: $0.1).gadget) })
    }

    func run(_ c: GadgetChain, _ path: String, taps: Set<Int> = []) throws -> ChainResult {
        let f = try ISMRMRDFile(path: path)
        let stream = try f.stream()
        return try c.run(header: try f.header(), taps: taps) { try stream.next().map { .acquisition($0) } }
    }

    func images(_ messages: [GadgetMessage]) -> [ISMRMRDImage] {
        messages.compactMap { if case .image(let i) = $0 { return i } else { return nil } }
    }

    func relative(_ a: NDArray, _ b: NDArray) throws -> Double {
        try (a - b).norm().item().asDouble / b.norm().item().asDouble
    }

    /// The `default` chain's gadgets against Bufferer + ifft + rss, image for image.
    func testSimpleReconChainMatchesDirectCalls() throws {
        let path = try generate(["-m", "48", "-c", "4", "-r", "2", "-C"])
        let c = try chain([("NoiseAdjustGadget", []), ("RemoveROOversamplingGadget", []),
                           ("AcquisitionAccumulateTriggerGadget", [("trigger_dimension", "repetition")]),
                           ("BucketToBufferGadget", [("split_slices", "true")]), ("SimpleReconGadget", []),
                           ("ImageArraySplitGadget", []), ("ExtractGadget", []), ("ImageFinishGadget", [])])
        let result = try run(c, path)
        let out = images(result.output)
        XCTAssertEqual(out.count, 2)
        XCTAssertEqual(Array(result.statistics.map(\.received)[2...]), [48 * 2, 2, 2, 2, 2, 2], "readouts, buckets, buffers, image arrays, images")
        // Direct: prewhiten with the noise readouts, buffer with oversampling removed, ifft, rss.
        let f = try ISMRMRDFile(path: path)
        let all = try f.acquisitions()
        let noise = all.filter { $0.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) }
        XCTAssertFalse(noise.isEmpty)
        var noiseSamples = try NDArray(zeros: [noise.count * noise[0].data.shape[0], 4], dtype: .complex64)
        for (k, a) in noise.enumerated() {
            try noiseSamples.set([.slice(start: k * a.data.shape[0], stop: (k + 1) * a.data.shape[0], step: nil), .all], to: a.data)
        }
        var options = BufferOptions(trigger: .repetition, removeOversampling: true)
        options.splitSlices = true
        let bufferer = Bufferer(header: try f.header(), options: options)
        var bits: [ReconBit] = []
        let data = all.filter { !$0.head.isSet(.ACQ_IS_NOISE_MEASUREMENT) }
        let scale = try NoisePrewhitener.bandwidthScale(acquisitionDwellTime: Double(data[0].head.sample_time_us), noiseDwellTime: Double(noise[0].head.sample_time_us),
                                                        receiverNoiseBandwidth: try f.header().value(at: "acquisitionSystemInformation.relativeReceiverNoiseBandwidth")?.doubleValue ?? 0.793)
        let whitener = try NoisePrewhitener(noise: noiseSamples, coilAxis: 1, scale: scale)
        for var a in data {
            a.data = try whitener.apply(a.data, coilAxis: 1)
            bits += try bufferer.add(a)
        }
        bits += try bufferer.finish()
        XCTAssertEqual(bits.count, 2)
        for (k, bit) in bits.enumerated() {
            let d = try XCTUnwrap(bit.data).data
            let direct = try ifft(d, axes: [0, 1]).rss(axes: [3]).reshaped([d.shape[0], d.shape[1], 1, 1])
            XCTAssertLessThan(try relative(out[k].data, direct.astype(.float32)), 1e-5, "image \(k)")
            XCTAssertEqual(out[k].head.repetition, UInt16(k))
            XCTAssertEqual(out[k].head.image_index, UInt16(k + 1))
            XCTAssertEqual(out[k].head.image_type, ISMRMRDImageType.magnitude.rawValue)
            XCTAssertEqual(out[k].data.dtype, .float32)
        }
    }

    /// GRAPPA through the chain equals GRAPPA called on the buffer; the ref is kept for buffers
    /// without calibration lines; with every eigenchannel kept, coil compression changes the
    /// magnitude images only by rounding.
    func testGrappaChainMatchesDirectCallsAndKeepsItsCalibration() throws {
        let path = try generate(["-m", "48", "-c", "6", "-a", "2", "-w", "16"])
        let c = try chain([("RemoveROOversamplingGadget", []),
                           ("AcquisitionAccumulateTriggerGadget", [("trigger_dimension", "repetition")]),
                           ("BucketToBufferGadget", []), ("GenericReconCartesianReferencePrepGadget", []),
                           ("GenericReconEigenChannelGadget", [("upstream_coil_compression_thres", "0")]),
                           ("GenericReconCartesianGrappaGadget", [])])
        let result = try run(c, path, taps: [4, 5])
        let arrays = result.output.compactMap { if case .imageArray(let a) = $0 { return a } else { return nil } }
        func bits(_ k: Int) -> [ReconBit] { (result.taps[k] ?? []).compactMap { if case .buffer(let b) = $0 { return b } else { return nil } } }
        let uncompressed = bits(4), compressed = bits(5)
        XCTAssertGreaterThanOrEqual(arrays.count, 2, "one image array per repetition")
        XCTAssertEqual(compressed.count, arrays.count)
        XCTAssertTrue(uncompressed.allSatisfy { $0.ref != nil }, "later repetitions reuse the first one's calibration")
        func direct(_ bit: ReconBit) throws -> NDArray {
            let data = try XCTUnwrap(bit.data).data, ref = try XCTUnwrap(bit.ref).data
            XCTAssertTrue(try CartesianRecon.isAccelerated(data))
            let filled = try GRAPPA.reconstructBuffer(data: data, reference: ref)
            return try CartesianRecon.senseCombine(try ifft(filled, axes: [0, 1]), ref: ref, operation: "test")
        }
        for k in arrays.indices {
            let d = try direct(compressed[k])
            XCTAssertLessThan(try relative(arrays[k].data.reshaped(d.shape), d), 1e-5, "repetition \(k)")
            let plain = try direct(uncompressed[k]).unary(.abs)
            XCTAssertLessThan(try relative(arrays[k].data.reshaped(d.shape).unary(.abs), plain), 1e-3, "repetition \(k), compression keeping every mode")
            XCTAssertEqual(arrays[k].headers.map(\.image_index), [UInt16(k + 1)])
        }
    }

    /// The client-style writer: one series per image_series_index, ushort data after
    /// FloatToUShort, and the headers ismrmrd-python reads back.
    func testImagesWrittenLikeTheClientReadBackByIsmrmrdPython() throws {
        let path = try generate(["-m", "32", "-c", "4", "-r", "3"])
        let c = try chain([("RemoveROOversamplingGadget", []),
                           ("AcquisitionAccumulateTriggerGadget", [("trigger_dimension", "repetition")]),
                           ("BucketToBufferGadget", []), ("GenericReconCartesianFFTGadget", [("image_series", "2")]),
                           ("GenericReconFieldOfViewAdjustmentGadget", []), ("ImageArraySplitGadget", []),
                           ("ExtractGadget", [("extract_mask", "9")]), ("AutoScaleGadget", []),
                           ("FloatToUShortGadget", []), ("ImageFinishGadget", [])])
        let result = try run(c, path)
        let out = try makeTemporaryDirectory(self, "gadgets").appendingPathComponent("out.h5").path
        let summary = try ImageSeriesWriter.write(result.output, to: out, group: "2026-12-07 12:00:00")
        XCTAssertEqual(summary.series.map(\.name), ["image_2", "image_3002"])
        XCTAssertEqual(summary.series.map(\.count), [3, 3])
        let py = try runPython("""
        import sys, json, ismrmrd
        d = ismrmrd.Dataset(sys.argv[1], sys.argv[2], create_if_needed=False)
        out = {}
        for s in ['image_2', 'image_3002']:
            rows = []
            for i in range(d.number_of_images(s)):
                im = d.read_image(s, i)
                rows.append([int(im.slice), int(im.repetition), int(im.image_index), int(im.image_series_index), int(im.image_type),
                             str(im.data.dtype), list(im.data.shape), int(im.data.max())])
            out[s] = rows
        print(json.dumps(out))
        """, [out, "2026-12-07 12:00:00"])
        let json = try parseJSONObject(py)
        let magnitude = try XCTUnwrap(json["image_2"] as? [[Any]])
        let phase = try XCTUnwrap(json["image_3002"] as? [[Any]])
        XCTAssertEqual(magnitude.count, 3)
        for (k, row) in magnitude.enumerated() {
            XCTAssertEqual(row[0] as? Int, 0)
            XCTAssertEqual(row[1] as? Int, k, "repetition")
            XCTAssertEqual(row[2] as? Int, k + 1, "image_index")
            XCTAssertEqual(row[3] as? Int, 2, "image_series_index")
            XCTAssertEqual(row[4] as? Int, 1, "magnitude")
            XCTAssertEqual(row[5] as? String, "uint16")
            XCTAssertEqual(row[6] as? [Int], [1, 1, 32, 32])
            XCTAssertGreaterThan(row[7] as? Int ?? 0, 2048, "auto-scaled to the 99th percentile")
        }
        XCTAssertEqual(phase.map { $0[4] as? Int }, [2, 2, 2], "phase images")
        XCTAssertEqual(phase.map { $0[3] as? Int }, [3002, 3002, 3002])
    }
}

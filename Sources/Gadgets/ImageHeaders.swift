import ISMRMRD
import NDArray
import Recon

/// Image headers for reconstructed buffers, filled from the readouts' headers as Gadgetron's
/// GenericRecon does: geometry, counters and time stamps of the first readout of each image.
enum ImageHeaders {
    /// One header per (N, S, SLC) of `buffer`, with image_index counted on from `counter`.
    static func make(for buffer: DataBuffer, imageShape: [Int], series: Int, counter: inout Int) throws -> [ImageHeader] {
        let grid = buffer.headers
        let (ne1, ne2, nn, ns, nslc) = (grid.shape[0], grid.shape[1], grid.shape[2], grid.shape[3], grid.shape[4])
        var out: [ImageHeader] = []
        for slc in 0..<nslc {
            for s in 0..<ns {
                for n in 0..<nn {
                    var first: AcquisitionHeader? = nil
                    search: for e2 in 0..<ne2 {
                        for e1 in 0..<ne1 {
                            if let h = try grid.header(at: [e1, e2, n, s, slc]) { first = h; break search }
                        }
                    }
                    var head = ImageHeader()
                    if let a = first {
                        head.measurement_uid = a.measurement_uid
                        head.position = a.position
                        head.read_dir = a.read_dir
                        head.phase_dir = a.phase_dir
                        head.slice_dir = a.slice_dir
                        head.patient_table_position = a.patient_table_position
                        head.average = a.idx.average
                        head.slice = a.idx.slice
                        head.contrast = a.idx.contrast
                        head.phase = a.idx.phase
                        head.repetition = a.idx.repetition
                        head.set = a.idx.set
                        head.acquisition_time_stamp = a.acquisition_time_stamp
                        head.physiology_time_stamp = a.physiology_time_stamp
                    }
                    head.matrix_size = imageShape.prefix(3).map { UInt16(clamping: $0) }
                    head.field_of_view = buffer.sampling.encodedFOV.map { Float($0) }
                    head.channels = UInt16(clamping: imageShape.count > 3 ? imageShape[3] : 1)
                    head.image_type = ISMRMRDImageType.complex.rawValue
                    head.image_series_index = UInt16(clamping: series)
                    counter += 1
                    head.image_index = UInt16(clamping: counter)
                    out.append(head)
                }
            }
        }
        return out
    }
}

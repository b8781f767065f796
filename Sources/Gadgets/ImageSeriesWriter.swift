import ISMRMRD
import NDArray

/// Writes a chain's images the way `gadgetron_ismrmrd_client` does: every image message (image
/// arrays split first) goes to series `image_<image_series_index>` of one group of an ISMRMRD
/// file, in arrival order. The file is replaced only when everything was written.
public enum ImageSeriesWriter {
    /// What was written: images per series name, and messages that were not images.
    public struct Summary {
        /// Series names with their image counts, in first-seen order.
        public var series: [(name: String, count: Int)] = []
        /// Messages that were neither images nor image arrays (not written).
        public var skipped = 0
    }

    /// The images among messages, image arrays split into their images.
    public static func images(_ messages: [GadgetMessage]) throws -> (images: [ISMRMRDImage], skipped: Int) {
        var images: [ISMRMRDImage] = [], skipped = 0
        for m in messages {
            switch m {
            case .image(let i): images.append(i)
            case .imageArray(let a): images += try ImageArraySplitGadget.split(a)
            default: skipped += 1
            }
        }
        return (images, skipped)
    }

    /// Writes the images among `messages` to group `group` of `path`.
    @discardableResult
    public static func write(_ messages: [GadgetMessage], to path: String, group: String = "dataset") throws -> Summary {
        let (images, skipped) = try images(messages)
        var summary = Summary()
        summary.skipped = skipped
        var order: [String] = []
        var bySeries: [String: [ISMRMRDImage]] = [:]
        for i in images {
            let name = "image_\(i.head.image_series_index)"
            if bySeries[name] == nil { order.append(name) }
            bySeries[name, default: []].append(i)
        }
        let writer = try ISMRMRDWriter(path: path, group: group, mode: .create)
        for name in order {
            let list = bySeries[name] ?? []
            try writer.appendImages(list, series: name)
            summary.series.append((name, list.count))
        }
        try writer.close()
        return summary
    }
}

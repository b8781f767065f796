import ISMRMRD
import NDArray
import Recon

/// Images as Gadgetron's IsmrmrdImageArray: data [RO, E1, E2, CHA, N, S, SLC] and one
/// ImageHeader per (N, S, SLC), N fastest.
public struct ImageArray: Sendable {
    /// The images, [RO, E1, E2, CHA, N, S, SLC].
    public var data: NDArray
    /// One header per image, laid out [N, S, SLC] with N fastest.
    public var headers: [ImageHeader]
    /// The sampling of the buffer the images came from (sampled k-space ranges, FOV, matrices).
    public var sampling: SamplingDescription?

    /// An image array whose header count must match data's N × S × SLC.
    public init(data: NDArray, headers: [ImageHeader], sampling: SamplingDescription? = nil) throws {
        guard data.rank == 7 else {
            throw ArrayError("image array", "data must be [RO, E1, E2, CHA, N, S, SLC], got \(Shape.text(data.shape))")
        }
        let n = data.shape[4] * data.shape[5] * data.shape[6]
        guard headers.count == n else {
            throw ArrayError("image array", "\(headers.count) headers for \(n) images (N × S × SLC of \(Shape.text(data.shape)))")
        }
        self.data = data
        self.headers = headers
        self.sampling = sampling
    }

    /// The header index of image (n, s, slc).
    public func headerIndex(n: Int, s: Int, slc: Int) -> Int {
        n + data.shape[4] * (s + data.shape[5] * slc)
    }
}

/// What AcquisitionAccumulateTrigger hands on: the readouts collected until the trigger fired.
public struct AcquisitionBucket: Sendable {
    /// The readouts in arrival order (noise readouts excluded).
    public var acquisitions: [Acquisition]

    /// A bucket of readouts.
    public init(_ acquisitions: [Acquisition]) { self.acquisitions = acquisitions }
}

/// A message that is none of the MR types (a value a user gadget passes on); the language layer
/// supplies the concrete type.
public protocol GadgetPayload: AnyObject {
    /// One line naming the payload for listings.
    var summary: String { get }
}

/// One message passing between gadgets — the data types the lecture's gadgets exchange.
public enum GadgetMessage {
    /// One readout: header and [RO, CHA] samples.
    case acquisition(Acquisition)
    /// Readouts collected by AcquisitionAccumulateTrigger.
    case bucket(AcquisitionBucket)
    /// A buffered data/ref pair (IsmrmrdReconBit) from BucketToBuffer.
    case buffer(ReconBit)
    /// Reconstructed images of one buffer (IsmrmrdImageArray).
    case imageArray(ImageArray)
    /// One image with its header (ISMRMRD::Image).
    case image(ISMRMRDImage)
    /// Anything else a user gadget passed on.
    case other(GadgetPayload)

    /// The kind of message, as listings and errors name it.
    public var kind: String {
        switch self {
        case .acquisition: return "acquisition"
        case .bucket: return "bucket"
        case .buffer: return "buffer"
        case .imageArray: return "image array"
        case .image: return "image"
        case .other(let p): return p.summary
        }
    }
}

import ISMRMRD
import NDArray

/// What a buffer holds and where in it the samples are, as Gadgetron's SamplingDescription:
/// encoded and recon field of view (mm) and matrix, and per axis (RO, E1, E2) the sampled range
/// and the k-space centre in buffer coordinates.
public struct SamplingDescription: Sendable, Equatable {
    public var encodedFOV: [Double]
    public var encodedMatrix: [Int]
    public var reconFOV: [Double]
    public var reconMatrix: [Int]
    /// RO, E1, E2 in buffer coordinates.
    public var limits: [CounterLimit]

    /// A sampling description (for buffers rebuilt from their parts, e.g. by a gadget in mrs).
    public init(encodedFOV: [Double], encodedMatrix: [Int], reconFOV: [Double], reconMatrix: [Int], limits: [CounterLimit]) {
        self.encodedFOV = encodedFOV
        self.encodedMatrix = encodedMatrix
        self.reconFOV = reconFOV
        self.reconMatrix = reconMatrix
        self.limits = limits
    }
}

/// The AcquisitionHeaders of a buffer laid out [E1, E2, N, S, SLC] (nil where no readout landed).
public struct HeaderGrid: Sendable {
    public let shape: [Int]
    public private(set) var headers: [AcquisitionHeader?]

    init(shape: [Int]) {
        self.shape = shape
        headers = Array(repeating: nil, count: shape.reduce(1, *))
    }

    func flat(_ index: [Int]) -> Int {
        var i = 0, stride = 1
        for d in 0..<shape.count {
            i += index[d] * stride
            stride *= shape[d]
        }
        return i
    }

    mutating func set(_ index: [Int], _ h: AcquisitionHeader) { headers[flat(index)] = h }

    /// The header at a full index (negative indices count from the end), nil where empty.
    public func header(at index: [Int]) throws -> AcquisitionHeader? {
        guard index.count == shape.count else {
            throw ArrayError("headers", "\(index.count) indices given for headers laid out \(Shape.text(shape)) [E1, E2, N, S, SLC]")
        }
        var resolved = index
        for d in 0..<shape.count {
            let r = index[d] < 0 ? index[d] + shape[d] : index[d]
            guard r >= 0 && r < shape[d] else {
                throw ArrayError("headers", "index \(index[d]) is out of bounds for axis \(d) with size \(shape[d]) (headers \(Shape.text(shape)))")
            }
            resolved[d] = r
        }
        return headers[flat(resolved)]
    }

    /// Number of positions that hold a header (the readouts placed in the buffer).
    public var filledCount: Int { headers.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
}

/// One buffer: data [RO, E1, E2, CHA, N, S, SLC], its headers and sampling description, and the
/// trajectory [D, RO, E1, E2, N, S, SLC] when the readouts have one.
public struct DataBuffer: Sendable {
    public var data: NDArray
    public var headers: HeaderGrid
    public var sampling: SamplingDescription
    public var trajectory: NDArray?

    /// A buffer from its parts (for buffers rebuilt by a gadget written in mrs).
    public init(data: NDArray, headers: HeaderGrid, sampling: SamplingDescription, trajectory: NDArray? = nil) {
        self.data = data
        self.headers = headers
        self.sampling = sampling
        self.trajectory = trajectory
    }
}

/// What BucketToBuffer emits for one group of readouts: the imaging data and, when calibration
/// readouts were present, the reference buffer.
public struct ReconBit: Sendable {
    public var data: DataBuffer?
    public var ref: DataBuffer?
    /// Simultaneous multi-slice data (from the header): data's SLC then counts excitations, each
    /// holding slices g, g + SLC, …, and ref holds every slice alone (the single-band reference).
    public var multiband: MultibandDescription?

    /// A data/ref pair.
    public init(data: DataBuffer? = nil, ref: DataBuffer? = nil) {
        self.data = data
        self.ref = ref
    }
}

import ISMRMRD
import NDArray

/// Minimum, maximum and centre of one encoding counter, from the header's encodingLimits.
public struct CounterLimit: Sendable, Equatable {
    public var minimum: Int
    public var maximum: Int
    public var center: Int

    public init(minimum: Int, maximum: Int, center: Int) {
        self.minimum = minimum
        self.maximum = maximum
        self.center = center
    }
}

/// What buffering needs from one `<encoding>` of the XML header.
public struct EncodingDescription: Sendable {
    /// `cartesian`, `epi`, `radial`, `spiral`, `other` (lower case).
    public var trajectory: String
    public var encodedMatrix: [Int]
    public var encodedFOV: [Double]
    public var reconMatrix: [Int]
    public var reconFOV: [Double]
    /// Limits present in the header, by ISMRMRD counter name (`kspace_encoding_step_1`, `slice`, …).
    public var limits: [String: CounterLimit]
    /// parallelImaging.calibrationMode (`embedded`, `separate`, `external`, …), if present.
    public var calibrationMode: String?

    /// True for trajectories whose readouts are placed on a Cartesian grid.
    public var isCartesianLike: Bool { trajectory == "cartesian" || trajectory == "epi" }

    /// Reads encoding `space` of a parsed header.
    public init(header: HeaderValue, space: Int = 0) throws {
        guard let encodings = header["encoding"]?.items, !encodings.isEmpty else {
            throw ArrayError("buffer", "the XML header has no <encoding> element")
        }
        guard space >= 0 && space < encodings.count else {
            throw ArrayError("buffer", "encoding_space_ref \(space) does not exist (the header has \(encodings.count) encoding\(encodings.count == 1 ? "" : "s"))")
        }
        let e = encodings[space]
        func xyz(_ path: String, _ convert: (HeaderValue) -> Double?) throws -> [Double] {
            guard let v = e.value(at: path) else { throw ArrayError("buffer", "the XML header lacks encoding[\(space)].\(path)") }
            return try ["x", "y", "z"].map { k in
                guard let c = v[k], let d = convert(c) else { throw ArrayError("buffer", "the XML header lacks encoding[\(space)].\(path).\(k)") }
                return d
            }
        }
        trajectory = (e["trajectory"]?.stringValue ?? "cartesian").lowercased()
        encodedMatrix = try xyz("encodedSpace.matrixSize") { $0.doubleValue }.map { Int($0) }
        reconMatrix = try xyz("reconSpace.matrixSize") { $0.doubleValue }.map { Int($0) }
        encodedFOV = (try? xyz("encodedSpace.fieldOfView_mm") { $0.doubleValue }) ?? encodedMatrix.map(Double.init)
        reconFOV = (try? xyz("reconSpace.fieldOfView_mm") { $0.doubleValue }) ?? reconMatrix.map(Double.init)
        var limits: [String: CounterLimit] = [:]
        if let fields = e["encodingLimits"]?.recordFields {
            for f in fields {
                if let lo = f.value["minimum"]?.intValue, let hi = f.value["maximum"]?.intValue {
                    limits[f.name] = CounterLimit(minimum: lo, maximum: hi, center: f.value["center"]?.intValue ?? (lo + hi + 1) / 2)
                }
            }
        }
        self.limits = limits
        calibrationMode = e.value(at: "parallelImaging.calibrationMode")?.stringValue?.lowercased()
    }

    /// The readout field-of-view ratio encoded/recon (2 for 2× oversampling), 1 when unknown.
    public var readoutOversampling: Double {
        if encodedFOV[0] > 0 && reconFOV[0] > 0 && encodedFOV[0] != reconFOV[0] { return encodedFOV[0] / reconFOV[0] }
        if reconMatrix[0] > 0 && encodedMatrix[0] != reconMatrix[0] { return Double(encodedMatrix[0]) / Double(reconMatrix[0]) }
        return 1
    }
}

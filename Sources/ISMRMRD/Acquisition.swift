import NDArray

/// One readout: its header, the samples as complex64 `[RO, CHA]` (number_of_samples ×
/// active_channels; samples fastest within a channel, as the file stores them) and the trajectory
/// as float32 `[D, RO]` (trajectory_dimensions × number_of_samples; `[0, RO]` when there is none).
public struct Acquisition: Sendable {
    /// The readout header.
    public var head: AcquisitionHeader
    /// The samples, complex64 `[RO, CHA]`.
    public var data: NDArray
    /// The k-space trajectory, float32 `[D, RO]`.
    public var traj: NDArray

    /// An acquisition whose arrays must match its header's sizes.
    public init(head: AcquisitionHeader, data: NDArray, traj: NDArray? = nil) throws {
        let samples = Int(head.number_of_samples), channels = Int(head.active_channels), dims = Int(head.trajectory_dimensions)
        let t = try traj ?? NDArray(zeros: [dims, samples], dtype: .float32)
        guard data.dtype == .complex64 else {
            throw ISMRMRDError("Acquisition", "data must be complex64, got \(data.dtype)")
        }
        guard data.shape == [samples, channels] || (data.count == samples * channels && data.shape.filter({ $0 != 1 }) == [samples, channels].filter({ $0 != 1 })) else {
            throw ISMRMRDError("Acquisition", "data of shape \(Shape.text(data.shape)) does not match number_of_samples \(samples) × active_channels \(channels)")
        }
        guard t.dtype == .float32 else {
            throw ISMRMRDError("Acquisition", "traj must be float32, got \(t.dtype)")
        }
        guard t.count == dims * samples, dims == 0 || t.shape.filter({ $0 != 1 }) == [dims, samples].filter({ $0 != 1 }) else {
            throw ISMRMRDError("Acquisition", "traj of shape \(Shape.text(t.shape)) does not match trajectory_dimensions \(dims) × number_of_samples \(samples)")
        }
        self.head = head
        self.data = data.shape == [samples, channels] ? data : try data.reshaped([samples, channels])
        self.traj = t.shape == [dims, samples] ? t : try t.reshaped([dims, samples])
    }

    /// An acquisition for `data` `[RO, CHA]` (and `traj` `[D, RO]`), setting number_of_samples,
    /// active_channels (and available_channels when it is smaller) and trajectory_dimensions
    /// from the array shapes.
    public init(data: NDArray, traj: NDArray? = nil, head: AcquisitionHeader = AcquisitionHeader()) throws {
        guard data.rank == 2 || data.rank == 1 else {
            throw ISMRMRDError("Acquisition", "data must be [RO, CHA], got shape \(Shape.text(data.shape))")
        }
        var h = head
        let samples = data.shape[0], channels = data.rank == 2 ? data.shape[1] : 1
        guard let s = UInt16(exactly: samples), let c = UInt16(exactly: channels) else {
            throw ISMRMRDError("Acquisition", "data of shape \(Shape.text(data.shape)) exceeds 65535 samples or channels")
        }
        h.number_of_samples = s
        h.active_channels = c
        if h.available_channels < c { h.available_channels = c }
        if let traj = traj {
            guard traj.rank == 2, traj.shape[1] == samples, let d = UInt16(exactly: traj.shape[0]) else {
                throw ISMRMRDError("Acquisition", "traj must be [D, \(samples)], got shape \(Shape.text(traj.shape))")
            }
            h.trajectory_dimensions = d
        } else {
            h.trajectory_dimensions = 0
        }
        try self.init(head: h, data: data, traj: traj)
    }
}

import ISMRMRD

/// The encoding counters buffering can trigger on or lay out along N and S.
public enum Counter: String, CaseIterable, Sendable {
    case kspace_encode_step_1, kspace_encode_step_2, average, slice, contrast, phase, repetition, set, segment
    case user_0, user_1, user_2, user_3, user_4, user_5, user_6, user_7

    /// The counter's value in a header.
    @inline(__always)
    public func value(_ idx: EncodingCounters) -> Int {
        switch self {
        case .kspace_encode_step_1: return Int(idx.kspace_encode_step_1)
        case .kspace_encode_step_2: return Int(idx.kspace_encode_step_2)
        case .average: return Int(idx.average)
        case .slice: return Int(idx.slice)
        case .contrast: return Int(idx.contrast)
        case .phase: return Int(idx.phase)
        case .repetition: return Int(idx.repetition)
        case .set: return Int(idx.set)
        case .segment: return Int(idx.segment)
        case .user_0, .user_1, .user_2, .user_3, .user_4, .user_5, .user_6, .user_7:
            let k = Int(rawValue.dropFirst(5)) ?? 0
            return k < idx.user.count ? Int(idx.user[k]) : 0
        }
    }

    /// The encodingLimits element naming this counter (`kspace_encoding_step_1` for e1).
    public var limitName: String {
        switch self {
        case .kspace_encode_step_1: return "kspace_encoding_step_1"
        case .kspace_encode_step_2: return "kspace_encoding_step_2"
        default: return rawValue
        }
    }

    /// Counters that may be buffer dimensions N or S (Gadgetron's choice).
    public static let bufferDimensions: [Counter] = [.average, .contrast, .phase, .repetition, .set, .segment, .slice]

    /// Parses a user's name (`"slice"`, `"rep"`, `"e1"`, `"none"` → nil).
    public static func named(_ name: String) -> Counter?? {
        switch name.lowercased() {
        case "", "none": return .some(nil)
        case "e1", "kspace_encode_step_1", "kspace_encoding_step_1": return .kspace_encode_step_1
        case "e2", "kspace_encode_step_2", "kspace_encoding_step_2": return .kspace_encode_step_2
        case "avg", "average": return .average
        case "slc", "slice": return .slice
        case "con", "contrast": return .contrast
        case "phs", "phase": return .phase
        case "rep", "repetition": return .repetition
        case "set": return .set
        case "seg", "segment": return .segment
        default: return Counter(rawValue: name.lowercased()).map { .some($0) } ?? nil
        }
    }
}

/// How readouts become buffers — Gadgetron's AcquisitionAccumulateTrigger + BucketToBuffer.
public struct BufferOptions: Sendable {
    /// A buffer closes whenever this counter changes (nil: the whole file is one bucket).
    public var trigger: Counter? = nil
    /// The counter laid out along the buffer's N dimension (nil: size 1).
    public var n: Counter? = nil
    /// The counter laid out along the buffer's S dimension (nil: size 1).
    public var s: Counter? = nil
    /// Remove readout oversampling (encoded vs recon field of view) before buffering.
    public var removeOversampling = false
    /// Ignore the segment counter when deciding which readouts share a buffer. EPI converters
    /// use it for the readout polarity, which would otherwise split one k-space in two
    /// (Gadgetron's `ignore_segment`, here on by default).
    public var ignoreSegment = true
    /// One buffer per slice even when a bucket holds several (otherwise slices stack along SLC).
    public var splitSlices = false

    public init(trigger: Counter? = nil, n: Counter? = nil, s: Counter? = nil, removeOversampling: Bool = false) {
        self.trigger = trigger
        self.n = n
        self.s = s
        self.removeOversampling = removeOversampling
    }
}

/// The acquisition flags of ISMRMRD (`ISMRMRD_AcquisitionFlags` in ismrmrd.h), under their ISMRMRD
/// names without the `ISMRMRD_` prefix. Flag numbers are 1-based: flag `v` is bit `1 << (v - 1)` of
/// `AcquisitionHeader.flags` (flag 22, ACQ_IS_REVERSE, is 2097152).
public enum AcquisitionFlag: Int, CaseIterable, Sendable {
    case ACQ_FIRST_IN_ENCODE_STEP1 = 1
    case ACQ_LAST_IN_ENCODE_STEP1 = 2
    case ACQ_FIRST_IN_ENCODE_STEP2 = 3
    case ACQ_LAST_IN_ENCODE_STEP2 = 4
    case ACQ_FIRST_IN_AVERAGE = 5
    case ACQ_LAST_IN_AVERAGE = 6
    case ACQ_FIRST_IN_SLICE = 7
    case ACQ_LAST_IN_SLICE = 8
    case ACQ_FIRST_IN_CONTRAST = 9
    case ACQ_LAST_IN_CONTRAST = 10
    case ACQ_FIRST_IN_PHASE = 11
    case ACQ_LAST_IN_PHASE = 12
    case ACQ_FIRST_IN_REPETITION = 13
    case ACQ_LAST_IN_REPETITION = 14
    case ACQ_FIRST_IN_SET = 15
    case ACQ_LAST_IN_SET = 16
    case ACQ_FIRST_IN_SEGMENT = 17
    case ACQ_LAST_IN_SEGMENT = 18
    case ACQ_IS_NOISE_MEASUREMENT = 19
    case ACQ_IS_PARALLEL_CALIBRATION = 20
    case ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING = 21
    case ACQ_IS_REVERSE = 22
    case ACQ_IS_NAVIGATION_DATA = 23
    case ACQ_IS_PHASECORR_DATA = 24
    case ACQ_LAST_IN_MEASUREMENT = 25
    case ACQ_IS_HPFEEDBACK_DATA = 26
    case ACQ_IS_DUMMYSCAN_DATA = 27
    case ACQ_IS_RTFEEDBACK_DATA = 28
    case ACQ_IS_SURFACECOILCORRECTIONSCAN_DATA = 29
    case ACQ_IS_PHASE_STABILIZATION_REFERENCE = 30
    case ACQ_IS_PHASE_STABILIZATION = 31
    case ACQ_COMPRESSION1 = 53
    case ACQ_COMPRESSION2 = 54
    case ACQ_COMPRESSION3 = 55
    case ACQ_COMPRESSION4 = 56
    case ACQ_USER1 = 57
    case ACQ_USER2 = 58
    case ACQ_USER3 = 59
    case ACQ_USER4 = 60
    case ACQ_USER5 = 61
    case ACQ_USER6 = 62
    case ACQ_USER7 = 63
    case ACQ_USER8 = 64

    /// The ISMRMRD name (`ACQ_IS_REVERSE`); the case names are the ISMRMRD names, and the enum is
    /// deliberately not CustomStringConvertible so that `String(describing:)` yields them.
    public var name: String { String(describing: self) }

    /// The bit of this flag in `AcquisitionHeader.flags`.
    public var bit: UInt64 { 1 << UInt64(rawValue - 1) }

    /// Looks a flag up by name, with or without the `ISMRMRD_` prefix, in any letter case.
    public init?(name: String) {
        var key = name.uppercased()
        if key.hasPrefix("ISMRMRD_") { key.removeFirst("ISMRMRD_".count) }
        guard let flag = AcquisitionFlag.byName[key] else { return nil }
        self = flag
    }

    /// True when this flag is set in `flags`.
    public func isSet(in flags: UInt64) -> Bool { flags & bit != 0 }

    /// The names of the flags set in `flags`, lowest first; bits without an ISMRMRD name appear as
    /// `bit N` (1-based, like the flag numbers).
    public static func names(in flags: UInt64) -> [String] {
        (1...64).compactMap { v -> String? in
            guard flags & (1 << UInt64(v - 1)) != 0 else { return nil }
            return AcquisitionFlag(rawValue: v)?.name ?? "bit \(v)"
        }
    }

    private static let byName: [String: AcquisitionFlag] =
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })
}

extension AcquisitionHeader {
    /// True when `flag` is set.
    public func isSet(_ flag: AcquisitionFlag) -> Bool { flag.isSet(in: flags) }

    /// Sets `flag`.
    public mutating func set(_ flag: AcquisitionFlag) { flags |= flag.bit }

    /// Clears `flag`.
    public mutating func clear(_ flag: AcquisitionFlag) { flags &= ~flag.bit }

    /// Names of the flags that are set.
    public var flagNames: [String] { AcquisitionFlag.names(in: flags) }
}

import Foundation
import ISMRMRD
import NDArray
import XCTest

/// float32 values from a raw little-endian file (numpy `tofile`).
func readFloats(_ path: String) throws -> [Float] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
}

/// complex64 values from a raw little-endian file of interleaved floats.
func readComplex(_ path: String) throws -> [Complex64] {
    let f = try readFloats(path)
    return (0..<(f.count / 2)).map { Complex64(f[2 * $0], f[2 * $0 + 1]) }
}

/// Writes complex64 values as interleaved little-endian floats.
func writeComplex(_ values: [Complex64], to path: String) throws {
    var floats: [Float] = []
    floats.reserveCapacity(2 * values.count)
    for v in values { floats.append(v.re); floats.append(v.im) }
    try floats.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
}

/// A deterministic pseudo-random generator for test data (SplitMix64).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
    mutating func complex() -> Complex64 { Complex64(float(), float()) }
}

/// A header value equals what a Python peer reported as JSON (numbers, lists, nested records);
/// uint64 fields travel as their bits in a signed int.
func headerMatches(_ ours: HeaderValue, _ theirs: Any?) -> Bool {
    switch (ours, theirs) {
    case (.int(let i), let n as NSNumber): return i == n.intValue || UInt64(bitPattern: Int64(i)) == n.uint64Value
    case (.double(let d), let n as NSNumber): return d == n.doubleValue
    case (.string(let s), let t as String): return s == t
    case (.list(let items), let list as [Any]): return items.count == list.count && zip(items, list).allSatisfy { headerMatches($0, $1) }
    case (.record(let fields), let dict as [String: Any]):
        return fields.count == dict.count && fields.allSatisfy { headerMatches($0.value, dict[$0.name]) }
    default: return false
    }
}

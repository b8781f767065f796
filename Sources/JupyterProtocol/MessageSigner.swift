import CCrypto
import Foundation

/// HMAC-SHA256 signatures of Jupyter messages, computed by OpenSSL's libcrypto.
public struct MessageSigner: Sendable {
    private let key: [UInt8]

    /// A signer with the connection file's key; an empty key signs nothing (signature "").
    public init(key: String) { self.key = Array(key.utf8) }

    /// The lowercase hex HMAC-SHA256 of the parts joined (header, parent header, metadata, content).
    public func signature(_ parts: [Data]) -> String {
        guard !key.isEmpty else { return "" }
        let joined = parts.reduce(into: Data()) { $0.append($1) }
        return MessageSigner.hmacSHA256(key: key, data: Array(joined)).map { String(format: "%02x", $0) }.joined()
    }

    /// True when `signature` is the right one for `parts` (compared in constant time).
    public func verify(_ signature: String, _ parts: [Data]) -> Bool {
        let expected = Array(self.signature(parts).utf8), given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The raw HMAC-SHA256 of `data` under `key`.
    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.bindMemory(to: UInt8.self).baseAddress, d.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }
}

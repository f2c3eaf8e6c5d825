import Crypto
import _CryptoExtras
import Foundation

/// Hashes staff PINs and passwords with scrypt, into self-describing strings.
///
/// The encoded form is `scrypt$N$r$p$saltBase64$hashBase64`. Because the cost travels with each
/// hash, raising the default cost later leaves hashes made earlier verifiable.
public struct SecretHasher: Sendable {
    /// The CPU/memory cost N, a power of two.
    public let rounds: Int
    /// The block size r.
    public let blockSize: Int
    /// The parallelism p.
    public let parallelism: Int

    static let scheme = "scrypt"
    static let saltByteCount = 16
    static let hashByteCount = 32

    /// Hashes are refused above this memory, so that a tampered setting cannot make a
    /// verification exhaust the kiosk's memory.
    static let maximumMemory = 256 * 1024 * 1024

    /// Creates a hasher with the given scrypt cost.
    ///
    /// The defaults (N = 2¹⁴, r = 8, p = 1: 16 MiB) take roughly 50–150 ms on a kiosk-class
    /// machine: slow enough to make guessing a short PIN from a stolen database costly, quick
    /// enough that staff do not wait. Tests pass a tiny cost.
    public init(rounds: Int = 1 << 14, blockSize: Int = 8, parallelism: Int = 1) {
        precondition(Self.isValid(rounds: rounds, blockSize: blockSize, parallelism: parallelism),
                     "scrypt needs N a power of two above 1, r ≥ 1, p ≥ 1 and at most 256 MiB")
        self.rounds = rounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// Returns the encoded hash of `secret` under a fresh random 16-byte salt.
    public func hash(_ secret: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        guard let derived = Self.derive(secret, salt: salt, rounds: rounds, blockSize: blockSize,
                                        parallelism: parallelism) else {
            // Only reachable if BoringSSL cannot allocate the validated amount of memory.
            preconditionFailure("scrypt could not derive a key with N=\(rounds) r=\(blockSize) p=\(parallelism)")
        }
        return [Self.scheme, String(rounds), String(blockSize), String(parallelism),
                Data(salt).base64EncodedString(), Data(derived).base64EncodedString()]
            .joined(separator: "$")
    }

    /// Tells whether `secret` is the one `encoded` was made from.
    ///
    /// Uses the cost written in `encoded`, not this hasher's. Malformed or unreasonably costly
    /// encodings verify nothing.
    public func verify(_ secret: String, against encoded: String) -> Bool {
        guard let parsed = Self.parse(encoded),
              let derived = Self.derive(secret, salt: parsed.salt, rounds: parsed.rounds,
                                        blockSize: parsed.blockSize, parallelism: parsed.parallelism)
        else { return false }
        return Self.constantTimeEqual(derived, parsed.hash)
    }

    /// Tells whether `encoded` is a hash this type can verify.
    public static func canVerify(_ encoded: String) -> Bool {
        parse(encoded) != nil
    }

    // MARK: - Internals

    struct Parsed {
        var rounds: Int, blockSize: Int, parallelism: Int
        var salt: [UInt8], hash: [UInt8]
    }

    static func parse(_ encoded: String) -> Parsed? {
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == scheme,
              let n = Int(fields[1]), let r = Int(fields[2]), let p = Int(fields[3]),
              isValid(rounds: n, blockSize: r, parallelism: p),
              let salt = Data(base64Encoded: String(fields[4])), !salt.isEmpty,
              let hash = Data(base64Encoded: String(fields[5])), !hash.isEmpty
        else { return nil }
        return Parsed(rounds: n, blockSize: r, parallelism: p, salt: Array(salt), hash: Array(hash))
    }

    static func isValid(rounds: Int, blockSize: Int, parallelism: Int) -> Bool {
        guard rounds > 1, rounds.nonzeroBitCount == 1, blockSize >= 1, parallelism >= 1,
              blockSize <= 1024, parallelism <= 1024 else { return false }
        let (memory, overflow) = (128 * blockSize).multipliedReportingOverflow(by: rounds)
        return !overflow && memory <= maximumMemory
    }

    static func derive(_ secret: String, salt: [UInt8], rounds: Int, blockSize: Int,
                       parallelism: Int) -> [UInt8]? {
        // BoringSSL wants a non-null pointer even for an empty secret; an empty Array gives one.
        let secretBytes = Array(secret.utf8)
        guard let key = try? KDF.Scrypt.deriveKey(
            from: secretBytes, salt: salt, outputByteCount: hashByteCount,
            rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        else { return nil }
        return key.withUnsafeBytes { Array($0) }
    }

    /// Compares without stopping at the first difference, so timing does not reveal how many
    /// leading bytes of a guess were right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

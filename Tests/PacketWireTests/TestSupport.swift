import Testing

@testable import PacketWire

/// A small deterministic PRNG (xorshift64) for property-style tests.
struct Xorshift: RandomNumberGenerator {
    var state: UInt64

    /// Seeds the generator; a zero seed is replaced, as xorshift would stay at zero.
    init(seed: UInt64) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// `count` random bytes.
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    /// A random value of a fixed-width integer type.
    mutating func value<T: FixedWidthInteger>(_ type: T.Type = T.self) -> T {
        T(truncatingIfNeeded: next())
    }

    /// A random IPv4 address.
    mutating func ipv4() -> IPv4Address { IPv4Address(rawValue: value()) }
    /// A random IPv6 address.
    mutating func ipv6() -> IPv6Address { IPv6Address(high: next(), low: next()) }
    /// A random MAC address.
    mutating func mac() -> MACAddress { MACAddress(rawValue: next()) }
}

/// How many random cases each property test runs.
let propertyCases = 2_000

/// Calls `body` with a read-only view of `bytes`.
@discardableResult
func withView<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try bytes.withUnsafeBytes(body)
}

/// Emits into a zeroed buffer of `count` bytes and returns it.
func emitted(count: Int, _ emit: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: count)
    try buffer.withUnsafeMutableBytes { try emit($0) }
    return buffer
}

/// Reference one's-complement sum, 16 bits at a time, big-endian, no tricks.
func referenceSum(_ bytes: [UInt8]) -> UInt16 {
    var total: UInt32 = 0
    var index = 0
    while index + 1 < bytes.count {
        total += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
        index += 2
    }
    if index < bytes.count { total += UInt32(bytes[index]) << 8 }
    while total > 0xFFFF { total = (total & 0xFFFF) + (total >> 16) }
    return UInt16(total)
}

/// Reads a big-endian 16-bit value from an array.
func word(_ bytes: [UInt8], at offset: Int) -> UInt16 {
    UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
}

/// Writes a big-endian 16-bit value into an array.
func setWord(_ bytes: inout [UInt8], at offset: Int, _ value: UInt16) {
    bytes[offset] = UInt8(value >> 8)
    bytes[offset + 1] = UInt8(truncatingIfNeeded: value)
}

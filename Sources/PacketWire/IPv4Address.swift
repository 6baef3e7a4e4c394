/// A 32-bit IPv4 address.
public struct IPv4Address: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The address as an integer, first octet most significant (`10.0.0.1` is `0x0A00_0001`).
    public let rawValue: UInt32

    /// Creates an address from its integer value.
    @inlinable
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Creates an address from its four octets, in wire order.
    @inlinable
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self.rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Reads four octets at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal init(unchecked bytes: UnsafeRawBufferPointer, at offset: Int) {
        self.rawValue = bytes.readUInt32(at: offset)
    }

    /// Reads an address from the first four bytes of `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, 4)
        self.init(unchecked: bytes, at: 0)
    }

    /// Writes the four octets at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func write(to bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes.writeUInt32(rawValue, at: offset)
    }

    /// `0.0.0.0`.
    @inlinable public static var any: IPv4Address { IPv4Address(rawValue: 0) }
    /// `255.255.255.255`.
    @inlinable public static var broadcast: IPv4Address { IPv4Address(rawValue: 0xFFFF_FFFF) }
    /// `127.0.0.1`.
    @inlinable public static var loopback: IPv4Address { IPv4Address(rawValue: 0x7F00_0001) }

    /// The octet at `index` (0 is the first on the wire); indices are taken modulo 4.
    @inlinable
    public func octet(_ index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: rawValue >> UInt32(8 * (3 - index & 3)))
    }

    /// Whether this is `0.0.0.0`.
    @inlinable public var isUnspecified: Bool { rawValue == 0 }
    /// Whether this is the limited broadcast address `255.255.255.255`.
    @inlinable public var isBroadcast: Bool { rawValue == 0xFFFF_FFFF }
    /// Whether the address is in `127.0.0.0/8`.
    @inlinable public var isLoopback: Bool { rawValue >> 24 == 127 }
    /// Whether the address is in `224.0.0.0/4`.
    @inlinable public var isMulticast: Bool { rawValue >> 28 == 0xE }
    /// Whether the address is in `169.254.0.0/16`.
    @inlinable public var isLinkLocal: Bool { rawValue >> 16 == 0xA9FE }
    /// Whether the address is in an RFC 1918 private range.
    @inlinable public var isPrivate: Bool {
        rawValue >> 24 == 10 || rawValue >> 20 == 0xAC1 || rawValue >> 16 == 0xC0A8
    }

    /// Whether the address lies in `network/prefixLength` (a length above 32 counts as 32).
    @inlinable
    public func isIn(network: IPv4Address, prefixLength: Int) -> Bool {
        guard prefixLength > 0 else { return true }
        let mask: UInt32 = prefixLength >= 32 ? .max : ~(UInt32.max >> UInt32(prefixLength))
        return rawValue & mask == network.rawValue & mask
    }

    /// Orders addresses by their integer value.
    @inlinable
    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Dotted-decimal form such as `192.0.2.1`.
    public var description: String {
        "\(octet(0)).\(octet(1)).\(octet(2)).\(octet(3))"
    }

    /// Parses dotted-decimal text: four decimal octets, no leading zeros (as `inet_pton` does).
    public init?(_ description: String) {
        guard let value = IPv4Address.parse(description.utf8[...]) else { return nil }
        self.init(rawValue: value)
    }

    /// Parses dotted-decimal UTF-8 into the integer value.
    internal static func parse(_ text: Substring.UTF8View) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var octets = 0
        for c in text {
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if digits > 0 && octet == 0 { return nil }  // leading zero
                octet = octet * 10 + UInt32(c - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 3, octet <= 255 else { return nil }
            } else if c == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | octet
                octets += 1
                octet = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard octets == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }
}

/// A 48-bit IEEE 802 MAC address.
///
/// Stored as the low 48 bits of a `UInt64`, first octet most significant, so that copying,
/// comparing and hashing cost one integer.
public struct MACAddress: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The address as a 48-bit integer, first octet in bits 40...47.
    public let rawValue: UInt64

    /// Creates an address from a 48-bit integer; bits above 47 are ignored.
    @inlinable
    public init(rawValue: UInt64) {
        self.rawValue = rawValue & 0xFFFF_FFFF_FFFF
    }

    /// Creates an address from its six octets, in wire order.
    @inlinable
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, _ e: UInt8, _ f: UInt8) {
        self.rawValue = UInt64(a) << 40 | UInt64(b) << 32 | UInt64(c) << 24 | UInt64(d) << 16 | UInt64(e) << 8 | UInt64(f)
    }

    /// Reads six octets at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal init(unchecked bytes: UnsafeRawBufferPointer, at offset: Int) {
        self.rawValue = UInt64(bytes.readUInt32(at: offset)) << 16 | UInt64(bytes.readUInt16(at: offset + 4))
    }

    /// Reads an address from the first six bytes of `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, 6)
        self.init(unchecked: bytes, at: 0)
    }

    /// Writes the six octets at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func write(to bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes.writeUInt32(UInt32(truncatingIfNeeded: rawValue >> 16), at: offset)
        bytes.writeUInt16(UInt16(truncatingIfNeeded: rawValue), at: offset + 4)
    }

    /// The all-zero address.
    @inlinable public static var zero: MACAddress { MACAddress(rawValue: 0) }
    /// The broadcast address `ff:ff:ff:ff:ff:ff`.
    @inlinable public static var broadcast: MACAddress { MACAddress(rawValue: 0xFFFF_FFFF_FFFF) }

    /// The octet at `index` (0 is the first on the wire); indices are taken modulo 6.
    @inlinable
    public func octet(_ index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: rawValue >> UInt64(8 * (5 - index % 6)))
    }

    /// Whether this is the broadcast address.
    @inlinable public var isBroadcast: Bool { rawValue == 0xFFFF_FFFF_FFFF }
    /// Whether the group bit is set (multicast, including broadcast).
    @inlinable public var isMulticast: Bool { rawValue & 0x0100_0000_0000 != 0 }
    /// Whether the address names one station (group bit clear).
    @inlinable public var isUnicast: Bool { !isMulticast }
    /// Whether the locally administered bit is set.
    @inlinable public var isLocallyAdministered: Bool { rawValue & 0x0200_0000_0000 != 0 }
    /// Whether all octets are zero.
    @inlinable public var isZero: Bool { rawValue == 0 }

    /// Orders addresses by their 48-bit value.
    @inlinable
    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Lower-case, colon-separated form such as `00:1b:21:3a:4f:5e`.
    public var description: String {
        var text = ""
        text.reserveCapacity(17)
        for index in 0..<6 {
            if index > 0 { text.append(":") }
            text += TextFormat.hex(octet(index), width: 2)
        }
        return text
    }

    /// Parses six groups of one or two hexadecimal digits separated by `:` or `-`.
    public init?(_ description: String) {
        var value: UInt64 = 0
        var group: UInt64 = 0
        var groups = 0
        var digits = 0
        var separator: UInt8? = nil
        for c in description.utf8 {
            if let digit = TextFormat.hexDigitValue(c) {
                guard digits < 2 else { return nil }
                group = group << 4 | UInt64(digit)
                digits += 1
            } else if c == UInt8(ascii: ":") || c == UInt8(ascii: "-") {
                guard digits > 0, separator == nil || separator == c, groups < 5 else { return nil }
                separator = c
                value = value << 8 | group
                groups += 1
                group = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard groups == 5, digits > 0 else { return nil }
        self.init(rawValue: value << 8 | group)
    }
}

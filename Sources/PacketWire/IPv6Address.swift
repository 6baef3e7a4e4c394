/// A 128-bit IPv6 address.
///
/// Stored as two 64-bit halves, first octet most significant in `high`.
public struct IPv6Address: Hashable, Comparable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// Octets 0...7 as an integer, first octet most significant.
    public let high: UInt64
    /// Octets 8...15 as an integer, eighth octet most significant.
    public let low: UInt64

    /// Creates an address from its two 64-bit halves.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Creates an address from its eight 16-bit groups, in text order.
    @inlinable
    public init(
        _ a: UInt16, _ b: UInt16, _ c: UInt16, _ d: UInt16,
        _ e: UInt16, _ f: UInt16, _ g: UInt16, _ h: UInt16
    ) {
        self.high = UInt64(a) << 48 | UInt64(b) << 32 | UInt64(c) << 16 | UInt64(d)
        self.low = UInt64(e) << 48 | UInt64(f) << 32 | UInt64(g) << 16 | UInt64(h)
    }

    /// The IPv4-mapped address `::ffff:a.b.c.d`.
    @inlinable
    public init(ipv4Mapped address: IPv4Address) {
        self.high = 0
        self.low = 0xFFFF_0000_0000 | UInt64(address.rawValue)
    }

    /// Reads sixteen octets at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal init(unchecked bytes: UnsafeRawBufferPointer, at offset: Int) {
        self.high = bytes.readUInt64(at: offset)
        self.low = bytes.readUInt64(at: offset + 8)
    }

    /// Reads an address from the first sixteen bytes of `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, 16)
        self.init(unchecked: bytes, at: 0)
    }

    /// Writes the sixteen octets at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func write(to bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes.writeUInt64(high, at: offset)
        bytes.writeUInt64(low, at: offset + 8)
    }

    /// `::`.
    @inlinable public static var any: IPv6Address { IPv6Address(high: 0, low: 0) }
    /// `::1`.
    @inlinable public static var loopback: IPv6Address { IPv6Address(high: 0, low: 1) }
    /// `ff02::1`, all nodes on the link.
    @inlinable public static var linkLocalAllNodes: IPv6Address { IPv6Address(high: 0xFF02 << 48, low: 1) }
    /// `ff02::2`, all routers on the link.
    @inlinable public static var linkLocalAllRouters: IPv6Address { IPv6Address(high: 0xFF02 << 48, low: 2) }

    /// The 16-bit group at `index` (0 is the first); indices are taken modulo 8.
    @inlinable
    public func group(_ index: Int) -> UInt16 {
        let half = index & 7 < 4 ? high : low
        return UInt16(truncatingIfNeeded: half >> UInt64(16 * (3 - index & 3)))
    }

    /// The octet at `index` (0 is the first); indices are taken modulo 16.
    @inlinable
    public func octet(_ index: Int) -> UInt8 {
        let half = index & 15 < 8 ? high : low
        return UInt8(truncatingIfNeeded: half >> UInt64(8 * (7 - index & 7)))
    }

    /// Whether this is `::`.
    @inlinable public var isUnspecified: Bool { high == 0 && low == 0 }
    /// Whether this is `::1`.
    @inlinable public var isLoopback: Bool { high == 0 && low == 1 }
    /// Whether the address is in `ff00::/8`.
    @inlinable public var isMulticast: Bool { high >> 56 == 0xFF }
    /// Whether the address is in `fe80::/10`.
    @inlinable public var isLinkLocal: Bool { high >> 54 == 0xFE80 >> 6 }
    /// Whether the address is in `fc00::/7` (unique local).
    @inlinable public var isUniqueLocal: Bool { high >> 57 == 0xFC >> 1 }
    /// Whether the address is in `ff02:0:0:0:0:1:ff00::/104` (solicited-node multicast).
    @inlinable public var isSolicitedNodeMulticast: Bool {
        high == 0xFF02_0000_0000_0000 && low >> 24 == 0x0000_0001_FF
    }

    /// The embedded IPv4 address of an IPv4-mapped address (`::ffff:0:0/96`), or nil.
    @inlinable public var ipv4Mapped: IPv4Address? {
        guard high == 0, low >> 32 == 0xFFFF else { return nil }
        return IPv4Address(rawValue: UInt32(truncatingIfNeeded: low))
    }

    /// The solicited-node multicast address of this address (RFC 4291 section 2.7.1).
    @inlinable public var solicitedNodeMulticast: IPv6Address {
        IPv6Address(high: 0xFF02_0000_0000_0000, low: 0x0000_0001_FF00_0000 | low & 0xFF_FFFF)
    }

    /// Whether the address lies in `network/prefixLength` (a length above 128 counts as 128).
    @inlinable
    public func isIn(network: IPv6Address, prefixLength: Int) -> Bool {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits)) }
        let highMask = mask(prefixLength)
        let lowMask = mask(prefixLength - 64)
        return high & highMask == network.high & highMask && low & lowMask == network.low & lowMask
    }

    /// Orders addresses by their 128-bit value.
    @inlinable
    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// The RFC 5952 text form: lower case, no leading zeros, the longest run of two or more zero
    /// groups (the first one on a tie) written `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d`.
    public var description: String {
        if let mapped = ipv4Mapped { return "::ffff:\(mapped)" }
        var bestStart = -1
        var bestLength = 1
        var runStart = -1
        for index in 0...8 {
            if index < 8 && group(index) == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength {
                    bestStart = runStart
                    bestLength = index - runStart
                }
                runStart = -1
            }
        }
        var text = ""
        text.reserveCapacity(39)
        var index = 0
        while index < 8 {
            if index == bestStart {
                text += "::"
                index += bestLength
                continue
            }
            if index > 0 && index != bestStart + bestLength { text += ":" }
            text += String(group(index), radix: 16)
            index += 1
        }
        return text
    }

    /// Parses RFC 4291 text: eight hexadecimal groups, at most one `::`, an optional trailing
    /// dotted IPv4 address. Zone identifiers (`%eth0`) are not accepted.
    public init?(_ description: String) {
        let text = Array(description.utf8)
        var groups: [UInt16] = []  // groups before "::", then after it
        groups.reserveCapacity(8)
        var gapIndex: Int? = nil
        var position = 0
        if text.count >= 2 && text[0] == UInt8(ascii: ":") && text[1] == UInt8(ascii: ":") {
            gapIndex = 0
            position = 2
        } else if text.first == UInt8(ascii: ":") {
            return nil
        }
        while position < text.count {
            // One group: hexadecimal digits, or a dotted IPv4 address in last place.
            var end = position
            while end < text.count && text[end] != UInt8(ascii: ":") { end += 1 }
            let field = text[position..<end]
            if field.contains(UInt8(ascii: ".")) {
                guard end == text.count, groups.count <= 6,
                    let v4 = IPv4Address.parse(Substring(decoding: field, as: UTF8.self).utf8)
                else { return nil }
                groups.append(UInt16(truncatingIfNeeded: v4 >> 16))
                groups.append(UInt16(truncatingIfNeeded: v4))
                position = end
                break
            }
            guard (1...4).contains(field.count) else { return nil }
            var value: UInt16 = 0
            for c in field {
                guard let digit = TextFormat.hexDigitValue(c) else { return nil }
                value = value << 4 | UInt16(digit)
            }
            groups.append(value)
            guard groups.count <= 8 else { return nil }
            position = end
            if position < text.count {
                // At a colon: a single one separates groups, a double one is the gap.
                position += 1
                if position < text.count && text[position] == UInt8(ascii: ":") {
                    guard gapIndex == nil else { return nil }
                    gapIndex = groups.count
                    position += 1
                } else if position == text.count {
                    return nil  // trailing single colon
                }
            }
        }
        if let gapIndex {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gapIndex)
        }
        guard groups.count == 8 else { return nil }
        self.init(groups[0], groups[1], groups[2], groups[3], groups[4], groups[5], groups[6], groups[7])
    }
}

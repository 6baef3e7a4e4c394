/// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
///
/// Sums are one's-complement sums folded to 16 bits and *not* complemented, in network byte order
/// whatever the host's, so they can be combined with `add(_:_:)`. A checksum field holds the
/// complement of the sum over the covered bytes with the field itself zero; over bytes that
/// include a correct checksum field the sum is `0xffff`.
///
/// Only the last piece of a combined sum may have an odd length: every other piece must start
/// at an even offset of the covered data.
public enum Checksum {
    /// The one's-complement sum of `bytes`, folded to 16 bits.
    ///
    /// Reads eight bytes at a time in host order into a 64-bit accumulator, counting the carries
    /// out of it and adding them back at the end (the sum is byte-order independent, RFC 1071
    /// section 2(B), so it is swapped once at the end on a little-endian host).
    @inlinable
    public static func sum(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var accumulator: UInt64 = 0
        var carries: UInt64 = 0
        var index = 0
        while index + 32 <= count {
            let a = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let b = base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
            let c = base.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
            let d = base.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
            accumulator &+= a
            carries &+= accumulator < a ? 1 : 0
            accumulator &+= b
            carries &+= accumulator < b ? 1 : 0
            accumulator &+= c
            carries &+= accumulator < c ? 1 : 0
            accumulator &+= d
            carries &+= accumulator < d ? 1 : 0
            index += 32
        }
        while index + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            accumulator &+= word
            carries &+= accumulator < word ? 1 : 0
            index += 8
        }
        var tail: UInt64 = 0
        if count - index >= 4 {
            tail &+= UInt64(base.loadUnaligned(fromByteOffset: index, as: UInt32.self))
            index += 4
        }
        if count - index >= 2 {
            tail &+= UInt64(base.loadUnaligned(fromByteOffset: index, as: UInt16.self))
            index += 2
        }
        if index < count {
            let last = UInt64(base.load(fromByteOffset: index, as: UInt8.self))
            #if _endian(little)
            tail &+= last
            #else
            tail &+= last << 8
            #endif
        }
        accumulator &+= tail
        carries &+= accumulator < tail ? 1 : 0
        // 2^64 is 1 modulo 0xffff, so each carry out of the accumulator is worth 1.
        let (total, overflow) = accumulator.addingReportingOverflow(carries)
        let hostOrderSum = fold(total &+ (overflow ? 1 : 0))
        return UInt16(bigEndian: hostOrderSum)
    }

    /// Folds a 64-bit one's-complement accumulator to 16 bits.
    @inlinable @inline(__always)
    public static func fold(_ value: UInt64) -> UInt16 {
        var folded = (value >> 32) &+ (value & 0xFFFF_FFFF)
        folded = (folded >> 32) &+ (folded & 0xFFFF_FFFF)
        folded = (folded >> 16) &+ (folded & 0xFFFF)
        folded = (folded >> 16) &+ (folded & 0xFFFF)
        return UInt16(truncatingIfNeeded: folded)
    }

    /// One's-complement addition of two folded sums.
    @inlinable @inline(__always)
    public static func add(_ a: UInt16, _ b: UInt16) -> UInt16 {
        let total = UInt32(a) &+ UInt32(b)
        return UInt16(truncatingIfNeeded: (total & 0xFFFF) &+ (total >> 16))
    }

    /// The checksum field value for `bytes` (with their checksum field zero) plus a pseudo-header sum.
    @inlinable
    public static func compute(_ bytes: UnsafeRawBufferPointer, pseudoHeaderSum: UInt16 = 0) -> UInt16 {
        ~add(sum(bytes), pseudoHeaderSum)
    }

    /// Whether `bytes`, checksum field included, sum with the pseudo-header to `0xffff`.
    @inlinable
    public static func isValid(_ bytes: UnsafeRawBufferPointer, pseudoHeaderSum: UInt16 = 0) -> Bool {
        add(sum(bytes), pseudoHeaderSum) == 0xFFFF
    }

    // IPv4 pseudo-header (RFC 793, RFC 768):
    //
    //   0                   1                   2                   3
    //   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    //  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    //  |                        Source Address                         |
    //  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    //  |                      Destination Address                      |
    //  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    //  |     zero      |   Protocol    |       Upper-Layer Length      |
    //  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

    /// The sum of the IPv4 pseudo-header for a transport checksum.
    @inlinable
    public static func pseudoHeaderSum(
        source: IPv4Address, destination: IPv4Address, protocol: IPProtocol, length: Int
    ) -> UInt16 {
        var total = UInt64(source.rawValue >> 16) &+ UInt64(source.rawValue & 0xFFFF)
        total &+= UInt64(destination.rawValue >> 16) &+ UInt64(destination.rawValue & 0xFFFF)
        total &+= UInt64(`protocol`.rawValue) &+ UInt64(UInt16(truncatingIfNeeded: length))
        return fold(total)
    }

    // IPv6 pseudo-header (RFC 8200 section 8.1):
    //
    //  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    //  |                  Source Address (128 bits)                    |
    //  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    //  |                Destination Address (128 bits)                 |
    //  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    //  |                   Upper-Layer Packet Length                   |
    //  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    //  |                      zero                     |  Next Header  |
    //  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

    /// The sum of the IPv6 pseudo-header for a transport or ICMPv6 checksum.
    @inlinable
    public static func pseudoHeaderSum(
        source: IPv6Address, destination: IPv6Address, protocol: IPProtocol, length: Int
    ) -> UInt16 {
        var total = wordSum(source.high) &+ wordSum(source.low)
        total &+= wordSum(destination.high) &+ wordSum(destination.low)
        total &+= wordSum(UInt64(UInt32(truncatingIfNeeded: length))) &+ UInt64(`protocol`.rawValue)
        return fold(total)
    }

    /// The sum of the four 16-bit words of a 64-bit value (at most `0x3fffc`).
    @inlinable @inline(__always)
    internal static func wordSum(_ value: UInt64) -> UInt64 {
        (value >> 48) &+ (value >> 32 & 0xFFFF) &+ (value >> 16 & 0xFFFF) &+ (value & 0xFFFF)
    }

    // Incremental update (RFC 1624 equation 3): HC' = ~(~HC + ~m + m'), where HC is the old
    // checksum field, m the old value of a 16-bit word it covers and m' the new value. A field that
    // was wrong by some amount stays wrong by the same amount.

    /// A UDP checksum field after an incremental `update` (SPEC §1, RFC 768): a checksum of 0
    /// means none was computed and stays 0 (IPv4, and IPv6 tunnels per RFC 6935); one that comes
    /// out as 0 is written 0xFFFF.
    @inlinable
    public static func updatingUDP(_ checksum: UInt16, _ update: (UInt16) -> UInt16) -> UInt16 {
        guard checksum != 0 else { return 0 }
        return udpField(update(checksum))
    }

    /// The UDP checksum field for a computed checksum (RFC 768): 0 would mean "none computed",
    /// so a checksum that computes to 0 is sent as 0xFFFF, its other one's-complement form.
    @inlinable
    public static func udpField(_ computed: UInt16) -> UInt16 {
        computed == 0 ? 0xFFFF : computed
    }

    /// The checksum field after one covered 16-bit word changes from `old` to `new`.
    @inlinable
    public static func update(_ checksum: UInt16, replacing old: UInt16, with new: UInt16) -> UInt16 {
        let total = UInt64(~checksum) &+ UInt64(~old) &+ UInt64(new)
        return ~fold(total)
    }

    /// The checksum field after a covered, 16-bit aligned 32-bit value changes from `old` to `new`.
    @inlinable
    public static func update(_ checksum: UInt16, replacing old: UInt32, with new: UInt32) -> UInt16 {
        var total = UInt64(~checksum)
        total &+= UInt64(~old >> 16) &+ UInt64(~old & 0xFFFF)
        total &+= UInt64(new >> 16) &+ UInt64(new & 0xFFFF)
        return ~fold(total)
    }

    /// The checksum field after a covered IPv4 address changes from `old` to `new`.
    @inlinable
    public static func update(_ checksum: UInt16, replacing old: IPv4Address, with new: IPv4Address) -> UInt16 {
        update(checksum, replacing: old.rawValue, with: new.rawValue)
    }

    /// The checksum field after a covered IPv6 address changes from `old` to `new`.
    @inlinable
    public static func update(_ checksum: UInt16, replacing old: IPv6Address, with new: IPv6Address) -> UInt16 {
        var total = UInt64(~checksum)
        total &+= wordSum(~old.high) &+ wordSum(~old.low)
        total &+= wordSum(new.high) &+ wordSum(new.low)
        return ~fold(total)
    }

    /// The checksum field after a covered address changes from `old` to `new`; unchanged if the
    /// two are not of the same family.
    @inlinable
    public static func update(_ checksum: UInt16, replacing old: IPAddress, with new: IPAddress) -> UInt16 {
        switch (old, new) {
        case (.v4(let a), .v4(let b)): update(checksum, replacing: a, with: b)
        case (.v6(let a), .v6(let b)): update(checksum, replacing: a, with: b)
        default: checksum
        }
    }
}

/// A mutable header view whose checksum field may not have been captured (TCP, ICMP, ICMPv6):
/// its incremental updates, written once. Where the field was not captured they do nothing.
/// (UDP's view has its own: a zero checksum there means none.)
public protocol CapturedChecksumField {
    /// The checksum field, or nil if it was not captured.
    var capturedChecksum: UInt16? { get }
    /// Sets the checksum field where captured.
    func setChecksum(_ value: UInt16)
}

extension CapturedChecksumField {
    /// Updates the checksum, where captured, for a covered 16-bit aligned word that changed.
    @inlinable
    public func updateChecksum(replacing old: UInt16, with new: UInt16) {
        guard let checksum = capturedChecksum else { return }
        setChecksum(Checksum.update(checksum, replacing: old, with: new))
    }

    /// Updates the checksum, where captured, for a covered address (in the pseudo-header or a
    /// quoted packet) that changed from `old` to `new`.
    @inlinable
    public func updateChecksum(replacing old: IPAddress, with new: IPAddress) {
        guard let checksum = capturedChecksum else { return }
        setChecksum(Checksum.update(checksum, replacing: old, with: new))
    }

    /// Updates the checksum, where captured, for the pseudo-header's address changes; returns
    /// its old and new value when it changed.
    @inlinable @discardableResult
    public func updateChecksum(for changes: IPAddressChanges) -> (old: UInt16, new: UInt16)? {
        guard let old = capturedChecksum else { return nil }
        let new = changes.updating(old)
        guard new != old else { return nil }
        setChecksum(new)
        return (old, new)
    }
}

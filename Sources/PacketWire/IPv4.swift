// IPv4 header (RFC 791 section 3.1):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |Version|  IHL  |    DSCP   |ECN|          Total Length         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         Identification        |Flags|     Fragment Offset     |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Time to Live |    Protocol   |        Header Checksum        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         Source Address                        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                      Destination Address                      |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Options                    |    Padding    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  Flags: bit 0 reserved, bit 1 DF (don't fragment), bit 2 MF (more fragments).
//  IHL and Fragment Offset count 4-byte and 8-byte units.

/// Byte offsets of the IPv4 header fields.
@usableFromInline
enum IPv4Field {
    @inlinable static var versionAndHeaderLength: Int { 0 }
    @inlinable static var differentiatedServices: Int { 1 }
    @inlinable static var totalLength: Int { 2 }
    @inlinable static var identification: Int { 4 }
    @inlinable static var flagsAndFragmentOffset: Int { 6 }
    @inlinable static var timeToLive: Int { 8 }
    @inlinable static var `protocol`: Int { 9 }
    @inlinable static var checksum: Int { 10 }
    @inlinable static var sourceAddress: Int { 12 }
    @inlinable static var destinationAddress: Int { 16 }
    @inlinable static var options: Int { 20 }
}

/// A read-only view of an IPv4 packet.
///
/// The checked constructor proves the whole header (options included) is present. The Total
/// Length may claim more bytes than were captured: `payload` then holds what is there and
/// `isTruncated` is true. Captured bytes beyond Total Length (Ethernet padding) are not payload.
/// A Total Length of 0 (Linux TSO and BIG TCP captures) means "up to the end of the bytes".
public struct IPv4Packet {
    /// The packet's bytes, header first.
    public let bytes: UnsafeRawBufferPointer

    /// The length of a header without options, 20 bytes.
    @inlinable public static var minimumHeaderLength: Int { IPv4Field.options }

    /// Wraps `bytes` after checking the version, the header length and the total length.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, IPv4Field.options)
        self.bytes = bytes
        guard version == 4 else { throw WireError(.invalidField, at: IPv4Field.versionAndHeaderLength) }
        let headerLength = self.headerLength
        guard headerLength >= IPv4Field.options else {
            throw WireError(.invalidField, at: IPv4Field.versionAndHeaderLength)
        }
        try requireLength(bytes.count, headerLength)
        let totalLength = self.totalLength
        guard totalLength == 0 || totalLength >= headerLength else {
            throw WireError(.invalidField, at: IPv4Field.totalLength)
        }
    }

    /// Wraps `bytes` that the caller has checked hold a valid header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The version field (4).
    @inlinable public var version: UInt8 { bytes.readUInt8(at: IPv4Field.versionAndHeaderLength) >> 4 }
    /// The header length in bytes (IHL times 4).
    @inlinable public var headerLength: Int {
        Int(bytes.readUInt8(at: IPv4Field.versionAndHeaderLength) & 0x0F) &* 4
    }
    /// The whole Differentiated Services byte (DSCP and ECN; the old Type of Service).
    @inlinable public var differentiatedServices: UInt8 { bytes.readUInt8(at: IPv4Field.differentiatedServices) }
    /// The Differentiated Services Code Point (6 bits).
    @inlinable public var dscp: UInt8 { differentiatedServices >> 2 }
    /// The Explicit Congestion Notification bits (2 bits).
    @inlinable public var ecn: UInt8 { differentiatedServices & 0x3 }
    /// The Total Length field: header and data, in bytes.
    @inlinable public var totalLength: Int { Int(bytes.readUInt16(at: IPv4Field.totalLength)) }
    /// The Identification field.
    @inlinable public var identification: UInt16 { bytes.readUInt16(at: IPv4Field.identification) }
    /// Whether the Don't Fragment flag is set.
    @inlinable public var dontFragment: Bool {
        bytes.readUInt16(at: IPv4Field.flagsAndFragmentOffset) & 0x4000 != 0
    }
    /// Whether the More Fragments flag is set.
    @inlinable public var moreFragments: Bool {
        bytes.readUInt16(at: IPv4Field.flagsAndFragmentOffset) & 0x2000 != 0
    }
    /// The fragment offset in bytes (the field times 8).
    @inlinable public var fragmentOffset: Int {
        Int(bytes.readUInt16(at: IPv4Field.flagsAndFragmentOffset) & 0x1FFF) &* 8
    }
    /// Whether the packet is a fragment (More Fragments set or a non-zero offset).
    @inlinable public var isFragment: Bool {
        bytes.readUInt16(at: IPv4Field.flagsAndFragmentOffset) & 0x3FFF != 0
    }
    /// The Time to Live.
    @inlinable public var timeToLive: UInt8 { bytes.readUInt8(at: IPv4Field.timeToLive) }
    /// The protocol of the payload.
    @inlinable public var `protocol`: IPProtocol { IPProtocol(rawValue: bytes.readUInt8(at: IPv4Field.protocol)) }
    /// The Header Checksum field.
    @inlinable public var headerChecksum: UInt16 { bytes.readUInt16(at: IPv4Field.checksum) }
    /// The source address.
    @inlinable public var sourceAddress: IPv4Address { IPv4Address(unchecked: bytes, at: IPv4Field.sourceAddress) }
    /// The destination address.
    @inlinable public var destinationAddress: IPv4Address {
        IPv4Address(unchecked: bytes, at: IPv4Field.destinationAddress)
    }
    /// The header's options and padding.
    @inlinable public var options: UnsafeRawBufferPointer {
        bytes.slice(from: IPv4Field.options, to: headerLength)
    }
    /// The end of the packet within `bytes`: Total Length, capped at the captured bytes.
    @inlinable public var endOffset: Int {
        let total = totalLength
        return total == 0 || total > bytes.count ? bytes.count : total
    }
    /// Whether Total Length claims more bytes than were captured.
    @inlinable public var isTruncated: Bool { totalLength > bytes.count }
    /// The captured data after the header, up to Total Length.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(from: headerLength, to: endOffset) }
    /// The length of the data after the header according to Total Length (0 means unknown: the
    /// captured length is used).
    @inlinable public var payloadLength: Int {
        let total = totalLength
        return (total == 0 ? bytes.count : total) &- headerLength
    }
    /// Whether the header checksum is correct.
    @inlinable public var isHeaderChecksumValid: Bool {
        Checksum.isValid(bytes.slice(from: 0, to: headerLength))
    }
    /// The header checksum the header should carry (computed as if the field were zero).
    @inlinable public var computedHeaderChecksum: UInt16 {
        ~Checksum.add(Checksum.sum(bytes.slice(from: 0, to: headerLength)), ~headerChecksum)
    }
    /// The pseudo-header sum for the transport checksum of this packet's payload.
    @inlinable public var pseudoHeaderSum: UInt16 {
        Checksum.pseudoHeaderSum(
            source: sourceAddress, destination: destinationAddress, protocol: self.protocol,
            length: payloadLength)
    }
}

/// A mutable view of an IPv4 packet, for the fields an address translator rewrites.
///
/// Tolerant of truncation: the checked constructor proves the whole header is there, but
/// `init(captured:)` takes a packet as a capture's snap length left it, cut anywhere. Either
/// way a member writes a field only where it was captured whole, and updates a checksum only
/// where its field was captured: a change that would fall in bytes not captured is neither
/// made nor accounted for. `packet` (the read-only view) needs the checked constructor.
public struct MutableIPv4Packet {
    /// The packet's bytes, header first.
    public let bytes: UnsafeMutableRawBufferPointer

    /// Wraps `bytes` after the same checks as `IPv4Packet`.
    @inlinable
    public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        _ = try IPv4Packet(UnsafeRawBufferPointer(bytes))
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked hold a valid header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// Wraps the bytes of an IPv4 packet as captured, from its first byte, checking nothing:
    /// the members below act on what is there.
    @inlinable
    public init(captured bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A read-only view of the same packet (after the checked constructor only).
    @inlinable public var packet: IPv4Packet { IPv4Packet(uncheckedBytes: bytes.readOnly) }

    /// The source address, or nil if it was not captured whole.
    @inlinable public var capturedSourceAddress: IPv4Address? {
        bytes.count >= IPv4Field.destinationAddress
            ? IPv4Address(unchecked: bytes.readOnly, at: IPv4Field.sourceAddress) : nil
    }

    /// The destination address, or nil if it was not captured whole.
    @inlinable public var capturedDestinationAddress: IPv4Address? {
        bytes.count >= IPv4Field.options
            ? IPv4Address(unchecked: bytes.readOnly, at: IPv4Field.destinationAddress) : nil
    }

    /// Sets the source address where captured whole, leaving the header checksum alone.
    @inlinable
    public func setSourceAddress(_ address: IPv4Address) {
        guard bytes.count >= IPv4Field.destinationAddress else { return }
        address.write(to: bytes, at: IPv4Field.sourceAddress)
    }

    /// Sets the destination address where captured whole, leaving the header checksum alone.
    @inlinable
    public func setDestinationAddress(_ address: IPv4Address) {
        guard bytes.count >= IPv4Field.options else { return }
        address.write(to: bytes, at: IPv4Field.destinationAddress)
    }

    /// Sets the Time to Live where captured, leaving the header checksum alone.
    @inlinable
    public func setTimeToLive(_ value: UInt8) {
        guard bytes.count > IPv4Field.timeToLive else { return }
        bytes.writeUInt8(value, at: IPv4Field.timeToLive)
    }

    /// Sets the Header Checksum field where captured.
    @inlinable
    public func setHeaderChecksum(_ value: UInt16) {
        guard bytes.count >= IPv4Field.sourceAddress else { return }
        bytes.writeUInt16(value, at: IPv4Field.checksum)
    }

    /// Replaces the source address and updates the header checksum incrementally (RFC 1624),
    /// if the address was captured whole (the checksum field, before it, then was too).
    /// Returns the checksum's old and new value, for a checksum that covers this header (an
    /// ICMP error quoting it), or nil when nothing was written.
    @inlinable @discardableResult
    public func rewriteSourceAddress(_ address: IPv4Address) -> (old: UInt16, new: UInt16)? {
        guard let old = capturedSourceAddress else { return nil }
        return rewriteAddress(at: IPv4Field.sourceAddress, from: old, to: address)
    }

    /// Replaces the destination address and updates the header checksum incrementally
    /// (RFC 1624), if the address was captured whole; returns the checksum's old and new value.
    @inlinable @discardableResult
    public func rewriteDestinationAddress(_ address: IPv4Address) -> (old: UInt16, new: UInt16)? {
        guard let old = capturedDestinationAddress else { return nil }
        return rewriteAddress(at: IPv4Field.destinationAddress, from: old, to: address)
    }

    /// Writes an address whose bytes and the header checksum's the caller has seen captured.
    @inlinable
    internal func rewriteAddress(at offset: Int, from old: IPv4Address, to new: IPv4Address) -> (old: UInt16, new: UInt16) {
        let oldChecksum = bytes.readOnly.readUInt16(at: IPv4Field.checksum)
        let newChecksum = Checksum.update(oldChecksum, replacing: old, with: new)
        bytes.writeUInt16(newChecksum, at: IPv4Field.checksum)
        new.write(to: bytes, at: offset)
        return (oldChecksum, newChecksum)
    }

    /// The upper-layer header as captured (it may be empty), or nil when this packet does not
    /// start it: a fragment other than the first, a header length below 20, or a header not
    /// captured as far as the protocol field or its own end. Total Length is not consulted:
    /// the captured bytes are what there is to translate.
    @inlinable public var capturedUpperLayer: MutableUpperLayer? {
        guard bytes.count > IPv4Field.protocol else { return nil }
        let read = bytes.readOnly
        let headerLength = Int(read.readUInt8(at: IPv4Field.versionAndHeaderLength) & 0x0F) &* 4
        guard headerLength >= IPv4Field.options, headerLength <= bytes.count,
              read.readUInt16(at: IPv4Field.flagsAndFragmentOffset) & 0x1FFF == 0 else { return nil }
        return MutableUpperLayer(
            protocol: IPProtocol(rawValue: read.readUInt8(at: IPv4Field.protocol)), ipVersion: 4,
            bytes: UnsafeMutableRawBufferPointer(rebasing: bytes[headerLength...]), finalDestination: nil)
    }

    /// Recomputes the header checksum from scratch (after the checked constructor only).
    @inlinable
    public func fillHeaderChecksum() {
        setHeaderChecksum(0)
        let header = bytes.readOnly.slice(from: 0, to: packet.headerLength)
        setHeaderChecksum(Checksum.compute(header))
    }
}

/// The fields of an IPv4 header without options.
///
/// Reading a header with options keeps their length out of `payloadLength` but drops them;
/// emitting writes a 20-byte header with a computed checksum.
public struct IPv4Header: Hashable, Sendable {
    /// The source address.
    public var sourceAddress: IPv4Address
    /// The destination address.
    public var destinationAddress: IPv4Address
    /// The protocol of the payload.
    public var `protocol`: IPProtocol
    /// The length of the data after the header.
    public var payloadLength: Int
    /// The Time to Live.
    public var timeToLive: UInt8
    /// The Differentiated Services byte (DSCP and ECN).
    public var differentiatedServices: UInt8
    /// The Identification field.
    public var identification: UInt16
    /// The Don't Fragment flag.
    public var dontFragment: Bool
    /// The More Fragments flag.
    public var moreFragments: Bool
    /// The fragment offset in bytes (a multiple of 8).
    public var fragmentOffset: Int

    /// Creates a header from its fields.
    @inlinable
    public init(
        sourceAddress: IPv4Address, destinationAddress: IPv4Address, protocol: IPProtocol,
        payloadLength: Int, timeToLive: UInt8 = 64, differentiatedServices: UInt8 = 0,
        identification: UInt16 = 0, dontFragment: Bool = false, moreFragments: Bool = false,
        fragmentOffset: Int = 0
    ) {
        self.sourceAddress = sourceAddress
        self.destinationAddress = destinationAddress
        self.protocol = `protocol`
        self.payloadLength = payloadLength
        self.timeToLive = timeToLive
        self.differentiatedServices = differentiatedServices
        self.identification = identification
        self.dontFragment = dontFragment
        self.moreFragments = moreFragments
        self.fragmentOffset = fragmentOffset
    }

    /// Reads the fields of a packet.
    @inlinable
    public init(_ packet: IPv4Packet) {
        self.init(
            sourceAddress: packet.sourceAddress, destinationAddress: packet.destinationAddress,
            protocol: packet.protocol, payloadLength: packet.payloadLength, timeToLive: packet.timeToLive,
            differentiatedServices: packet.differentiatedServices, identification: packet.identification,
            dontFragment: packet.dontFragment, moreFragments: packet.moreFragments,
            fragmentOffset: packet.fragmentOffset)
    }

    /// The length of the emitted header, 20 bytes.
    @inlinable public var headerLength: Int { IPv4Field.options }

    /// The pseudo-header sum for the transport checksum of this packet's payload.
    @inlinable public var pseudoHeaderSum: UInt16 {
        Checksum.pseudoHeaderSum(
            source: sourceAddress, destination: destinationAddress, protocol: self.protocol,
            length: payloadLength)
    }

    /// Writes the header, with its checksum, at the start of `buffer`.
    ///
    /// Throws `invalidField` when the total length does not fit 16 bits or the fragment offset
    /// is not a multiple of 8 below 65536.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, IPv4Field.options)
        let totalLength = IPv4Field.options + payloadLength
        guard payloadLength >= 0, totalLength <= 0xFFFF else {
            throw WireError(.invalidField, at: IPv4Field.totalLength)
        }
        guard fragmentOffset >= 0, fragmentOffset & 7 == 0, fragmentOffset < 0x10000 else {
            throw WireError(.invalidField, at: IPv4Field.flagsAndFragmentOffset)
        }
        buffer.writeUInt8(0x45, at: IPv4Field.versionAndHeaderLength)
        buffer.writeUInt8(differentiatedServices, at: IPv4Field.differentiatedServices)
        buffer.writeUInt16(UInt16(totalLength), at: IPv4Field.totalLength)
        buffer.writeUInt16(identification, at: IPv4Field.identification)
        let flags: UInt16 = (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0)
        buffer.writeUInt16(flags | UInt16(fragmentOffset >> 3), at: IPv4Field.flagsAndFragmentOffset)
        buffer.writeUInt8(timeToLive, at: IPv4Field.timeToLive)
        buffer.writeUInt8(self.protocol.rawValue, at: IPv4Field.protocol)
        buffer.writeUInt16(0, at: IPv4Field.checksum)
        sourceAddress.write(to: buffer, at: IPv4Field.sourceAddress)
        destinationAddress.write(to: buffer, at: IPv4Field.destinationAddress)
        let checksum = Checksum.compute(buffer.readOnly.slice(from: 0, to: IPv4Field.options))
        buffer.writeUInt16(checksum, at: IPv4Field.checksum)
    }
}

// UDP header (RFC 768):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          Source Port          |       Destination Port        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |             Length            |           Checksum            |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  A checksum of 0 means none was computed; one that computes to 0 is sent as 0xffff.

/// Byte offsets of the UDP header fields.
@usableFromInline
enum UDPField {
    @inlinable static var sourcePort: Int { 0 }
    @inlinable static var destinationPort: Int { 2 }
    @inlinable static var length: Int { 4 }
    @inlinable static var checksum: Int { 6 }
    @inlinable static var payload: Int { 8 }
}

/// A read-only view of a UDP datagram.
///
/// The Length field may claim more bytes than were captured: `payload` then holds what is
/// there and `isTruncated` is true. A Length of 0 (jumbograms) means "up to the end of the bytes".
public struct UDPPacket {
    /// The datagram's bytes, header first.
    public let bytes: UnsafeRawBufferPointer

    /// The length of the header, 8 bytes.
    @inlinable public static var headerLength: Int { UDPField.payload }

    /// Wraps `bytes` after checking the header's presence and its Length field.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, UDPField.payload)
        self.bytes = bytes
        let length = self.length
        guard length == 0 || length >= UDPField.payload else { throw WireError(.invalidField, at: UDPField.length) }
    }

    /// Wraps `bytes` that the caller has checked hold the header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The source port.
    @inlinable public var sourcePort: UInt16 { bytes.readUInt16(at: UDPField.sourcePort) }
    /// The destination port.
    @inlinable public var destinationPort: UInt16 { bytes.readUInt16(at: UDPField.destinationPort) }
    /// The Length field: header and data, in bytes.
    @inlinable public var length: Int { Int(bytes.readUInt16(at: UDPField.length)) }
    /// The checksum field (0 when none was computed).
    @inlinable public var checksum: UInt16 { bytes.readUInt16(at: UDPField.checksum) }
    /// The end of the datagram within `bytes`: Length, capped at the captured bytes.
    @inlinable public var endOffset: Int {
        let length = self.length
        return length == 0 || length > bytes.count ? bytes.count : length
    }
    /// Whether Length claims more bytes than were captured.
    @inlinable public var isTruncated: Bool { length > bytes.count }
    /// The captured data after the header, up to Length.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(from: UDPField.payload, to: endOffset) }

    /// Whether the checksum is absent (0) or correct for a pseudo-header sum.
    @inlinable
    public func isChecksumValid(pseudoHeaderSum: UInt16) -> Bool {
        checksum == 0 || Checksum.isValid(bytes.slice(from: 0, to: endOffset), pseudoHeaderSum: pseudoHeaderSum)
    }
}

/// A mutable view of a UDP datagram, for the fields an address translator rewrites.
///
/// Every update follows SPEC §1's rule (`Checksum.updatingUDP`): a zero checksum (none
/// computed) stays zero and one that comes out as 0 is written 0xffff. Tolerant of truncation:
/// `init(captured:)` takes a datagram cut anywhere, and the ports and the checksum are
/// rewritten only where the checksum field was captured (it follows them).
public struct MutableUDPPacket {
    /// The datagram's bytes, header first.
    public let bytes: UnsafeMutableRawBufferPointer

    /// Wraps `bytes` after the same checks as `UDPPacket`.
    @inlinable
    public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        _ = try UDPPacket(UnsafeRawBufferPointer(bytes))
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked hold the header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// Wraps the bytes of a datagram as captured, checking nothing.
    @inlinable
    public init(captured bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A read-only view of the same datagram (after the checked constructor only).
    @inlinable public var packet: UDPPacket { UDPPacket(uncheckedBytes: bytes.readOnly) }

    /// The checksum field, or nil if it was not captured.
    @inlinable public var capturedChecksum: UInt16? {
        bytes.count >= UDPField.payload ? bytes.readOnly.readUInt16(at: UDPField.checksum) : nil
    }

    /// Sets the checksum field as given, where captured.
    @inlinable
    public func setChecksum(_ value: UInt16) {
        guard bytes.count >= UDPField.payload else { return }
        bytes.writeUInt16(value, at: UDPField.checksum)
    }

    /// Applies an incremental update where the checksum was captured, unless it is 0, writing
    /// 0 as 0xffff; returns the old and new value when it changed.
    @inlinable @discardableResult
    internal func adjustChecksum(_ update: (UInt16) -> UInt16) -> (old: UInt16, new: UInt16)? {
        guard let old = capturedChecksum else { return nil }
        let new = Checksum.updatingUDP(old, update)
        guard new != old else { return nil }
        setChecksum(new)
        return (old, new)
    }

    /// Sets the source port and updates the checksum incrementally, where captured.
    @inlinable
    public func rewriteSourcePort(_ port: UInt16) {
        guard bytes.count >= UDPField.payload else { return }
        let old = bytes.readOnly.readUInt16(at: UDPField.sourcePort)
        adjustChecksum { Checksum.update($0, replacing: old, with: port) }
        bytes.writeUInt16(port, at: UDPField.sourcePort)
    }

    /// Sets the destination port and updates the checksum incrementally, where captured.
    @inlinable
    public func rewriteDestinationPort(_ port: UInt16) {
        guard bytes.count >= UDPField.payload else { return }
        let old = bytes.readOnly.readUInt16(at: UDPField.destinationPort)
        adjustChecksum { Checksum.update($0, replacing: old, with: port) }
        bytes.writeUInt16(port, at: UDPField.destinationPort)
    }

    /// Updates the checksum, where captured, for a pseudo-header address that changed from
    /// `old` to `new`.
    @inlinable
    public func updateChecksum(replacing old: IPAddress, with new: IPAddress) {
        adjustChecksum { Checksum.update($0, replacing: old, with: new) }
    }

    /// Updates the checksum, where captured, for the pseudo-header's address changes; returns
    /// its old and new value when it changed.
    @inlinable @discardableResult
    public func updateChecksum(for changes: IPAddressChanges) -> (old: UInt16, new: UInt16)? {
        adjustChecksum { changes.updating($0) }
    }

    /// Recomputes the checksum over the datagram (up to Length) from scratch.
    @inlinable
    public func fillChecksum(pseudoHeaderSum: UInt16) {
        setChecksum(0)
        let checksum = Checksum.compute(packet.bytes.slice(from: 0, to: packet.endOffset), pseudoHeaderSum: pseudoHeaderSum)
        setChecksum(Checksum.udpField(checksum))
    }
}

/// The fields of a UDP header.
public struct UDPHeader: Hashable, Sendable {
    /// The source port.
    public var sourcePort: UInt16
    /// The destination port.
    public var destinationPort: UInt16
    /// The length of the data after the header.
    public var payloadLength: Int

    /// Creates a header from its fields.
    @inlinable
    public init(sourcePort: UInt16, destinationPort: UInt16, payloadLength: Int) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.payloadLength = payloadLength
    }

    /// Reads the fields of a datagram (a Length of 0 gives the captured payload's length).
    @inlinable
    public init(_ packet: UDPPacket) {
        let length = packet.length
        self.init(
            sourcePort: packet.sourcePort, destinationPort: packet.destinationPort,
            payloadLength: (length == 0 ? packet.bytes.count : length) - UDPField.payload)
    }

    /// The length of the emitted header, 8 bytes.
    @inlinable public var headerLength: Int { UDPField.payload }

    /// Writes the header at the start of `buffer` with a zero checksum; `invalidField` if the
    /// length does not fit 16 bits.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        try requireLength(buffer.count, UDPField.payload)
        let length = UDPField.payload + payloadLength
        guard payloadLength >= 0, length <= 0xFFFF else { throw WireError(.invalidField, at: UDPField.length) }
        buffer.writeUInt16(sourcePort, at: UDPField.sourcePort)
        buffer.writeUInt16(destinationPort, at: UDPField.destinationPort)
        buffer.writeUInt16(UInt16(length), at: UDPField.length)
        buffer.writeUInt16(0, at: UDPField.checksum)
    }
}

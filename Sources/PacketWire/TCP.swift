// TCP header (RFC 9293 section 3.1):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          Source Port          |       Destination Port        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                        Sequence Number                        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                    Acknowledgment Number                      |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Data |     |A|C|E|U|A|P|R|S|F|                               |
//  | Offset| Rsrv|E|W|C|R|C|S|S|Y|I|            Window             |
//  |       |     | |R|E|G|K|H|T|N|N|                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |           Checksum            |         Urgent Pointer        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                           [Options]                           |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  AE (accurate ECN, formerly NS) is the low bit of the byte holding Data Offset.

/// Byte offsets of the TCP header fields.
@usableFromInline
enum TCPField {
    @inlinable static var sourcePort: Int { 0 }
    @inlinable static var destinationPort: Int { 2 }
    @inlinable static var sequenceNumber: Int { 4 }
    @inlinable static var acknowledgmentNumber: Int { 8 }
    @inlinable static var dataOffsetAndFlags: Int { 12 }
    @inlinable static var window: Int { 14 }
    @inlinable static var checksum: Int { 16 }
    @inlinable static var urgentPointer: Int { 18 }
    @inlinable static var options: Int { 20 }
    @inlinable static var maximumHeaderLength: Int { 60 }
}

/// The TCP control bits.
public struct TCPFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The nine control bits, FIN in bit 0 and AE in bit 8.
    public let rawValue: UInt16

    /// Wraps the control bits; bits above 8 are ignored.
    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x1FF }

    /// No more data from sender.
    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x001) }
    /// Synchronize sequence numbers.
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x002) }
    /// Reset the connection.
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x004) }
    /// Push function.
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x008) }
    /// Acknowledgment field is significant.
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x010) }
    /// Urgent pointer field is significant.
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x020) }
    /// ECN echo.
    @inlinable public static var ece: TCPFlags { TCPFlags(rawValue: 0x040) }
    /// Congestion window reduced.
    @inlinable public static var cwr: TCPFlags { TCPFlags(rawValue: 0x080) }
    /// Accurate ECN (formerly the ECN nonce sum, NS).
    @inlinable public static var ae: TCPFlags { TCPFlags(rawValue: 0x100) }

    /// The set flags as tcpdump letters, e.g. `S.` for SYN-ACK (`F S R P . U E W A`).
    public var description: String {
        var text = ""
        if contains(.fin) { text += "F" }
        if contains(.syn) { text += "S" }
        if contains(.rst) { text += "R" }
        if contains(.psh) { text += "P" }
        if contains(.ack) { text += "." }
        if contains(.urg) { text += "U" }
        if contains(.ece) { text += "E" }
        if contains(.cwr) { text += "W" }
        if contains(.ae) { text += "A" }
        return text.isEmpty ? "none" : text
    }
}

/// A read-only view of a TCP segment.
public struct TCPPacket {
    /// The segment's bytes, header first.
    public let bytes: UnsafeRawBufferPointer

    /// The length of a header without options, 20 bytes.
    @inlinable public static var minimumHeaderLength: Int { TCPField.options }

    /// Wraps `bytes` after checking that they hold the whole header, options included.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        try requireLength(bytes.count, TCPField.options)
        self.bytes = bytes
        let headerLength = self.headerLength
        guard headerLength >= TCPField.options else { throw WireError(.invalidField, at: TCPField.dataOffsetAndFlags) }
        try requireLength(bytes.count, headerLength)
    }

    /// Wraps `bytes` that the caller has checked hold the whole header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The source port.
    @inlinable public var sourcePort: UInt16 { bytes.readUInt16(at: TCPField.sourcePort) }
    /// The destination port.
    @inlinable public var destinationPort: UInt16 { bytes.readUInt16(at: TCPField.destinationPort) }
    /// The sequence number.
    @inlinable public var sequenceNumber: UInt32 { bytes.readUInt32(at: TCPField.sequenceNumber) }
    /// The acknowledgment number.
    @inlinable public var acknowledgmentNumber: UInt32 { bytes.readUInt32(at: TCPField.acknowledgmentNumber) }
    /// The header length in bytes (Data Offset times 4).
    @inlinable public var headerLength: Int {
        Int(bytes.readUInt8(at: TCPField.dataOffsetAndFlags) >> 4) &* 4
    }
    /// The control bits.
    @inlinable public var flags: TCPFlags { TCPFlags(rawValue: bytes.readUInt16(at: TCPField.dataOffsetAndFlags)) }
    /// The window.
    @inlinable public var window: UInt16 { bytes.readUInt16(at: TCPField.window) }
    /// The checksum field.
    @inlinable public var checksum: UInt16 { bytes.readUInt16(at: TCPField.checksum) }
    /// The urgent pointer.
    @inlinable public var urgentPointer: UInt16 { bytes.readUInt16(at: TCPField.urgentPointer) }
    /// The options bytes.
    @inlinable public var optionBytes: UnsafeRawBufferPointer { bytes.slice(from: TCPField.options, to: headerLength) }
    /// The options, in order.
    @inlinable public var options: TCPOptions { TCPOptions(optionBytes) }
    /// The data after the header.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(from: headerLength) }

    /// Whether the checksum over these bytes is correct for a pseudo-header sum.
    @inlinable
    public func isChecksumValid(pseudoHeaderSum: UInt16) -> Bool {
        Checksum.isValid(bytes, pseudoHeaderSum: pseudoHeaderSum)
    }
}

/// A mutable view of a TCP segment, for the fields an address translator rewrites.
///
/// Tolerant of truncation: `init(captured:)` takes a segment cut anywhere, and the ports and
/// the checksum are rewritten only where the checksum field was captured (it follows them).
public struct MutableTCPPacket: CapturedChecksumField {
    /// The segment's bytes, header first.
    public let bytes: UnsafeMutableRawBufferPointer

    /// Wraps `bytes` after the same checks as `TCPPacket`.
    @inlinable
    public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        _ = try TCPPacket(UnsafeRawBufferPointer(bytes))
        self.bytes = bytes
    }

    /// Wraps `bytes` that the caller has checked hold the whole header.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// Wraps the bytes of a segment as captured, checking nothing.
    @inlinable
    public init(captured bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A read-only view of the same segment (after the checked constructor only).
    @inlinable public var packet: TCPPacket { TCPPacket(uncheckedBytes: bytes.readOnly) }

    /// The checksum field, or nil if it was not captured.
    @inlinable public var capturedChecksum: UInt16? {
        bytes.count >= TCPField.urgentPointer ? bytes.readOnly.readUInt16(at: TCPField.checksum) : nil
    }

    /// Sets the checksum field where captured.
    @inlinable
    public func setChecksum(_ value: UInt16) {
        guard bytes.count >= TCPField.urgentPointer else { return }
        bytes.writeUInt16(value, at: TCPField.checksum)
    }

    /// Sets the source port and updates the checksum incrementally, where captured.
    @inlinable
    public func rewriteSourcePort(_ port: UInt16) {
        guard let checksum = capturedChecksum else { return }
        setChecksum(Checksum.update(checksum, replacing: bytes.readOnly.readUInt16(at: TCPField.sourcePort), with: port))
        bytes.writeUInt16(port, at: TCPField.sourcePort)
    }

    /// Sets the destination port and updates the checksum incrementally, where captured.
    @inlinable
    public func rewriteDestinationPort(_ port: UInt16) {
        guard let checksum = capturedChecksum else { return }
        setChecksum(Checksum.update(checksum, replacing: bytes.readOnly.readUInt16(at: TCPField.destinationPort), with: port))
        bytes.writeUInt16(port, at: TCPField.destinationPort)
    }


    /// Recomputes the checksum over the whole segment from scratch.
    @inlinable
    public func fillChecksum(pseudoHeaderSum: UInt16) {
        setChecksum(0)
        setChecksum(Checksum.compute(bytes.readOnly, pseudoHeaderSum: pseudoHeaderSum))
    }
}

/// The fields of a TCP header, with the options roamcap reads.
///
/// Reading keeps MSS, window scale, SACK-permitted and timestamps and drops other options.
/// Emitting writes them in the order Linux uses (MSS, SACK-permitted, timestamps, window scale),
/// with NOP padding, and leaves the checksum zero (see `MutableTCPPacket.fillChecksum`).
public struct TCPHeader: Hashable, Sendable {
    /// The source port.
    public var sourcePort: UInt16
    /// The destination port.
    public var destinationPort: UInt16
    /// The sequence number.
    public var sequenceNumber: UInt32
    /// The acknowledgment number.
    public var acknowledgmentNumber: UInt32
    /// The control bits.
    public var flags: TCPFlags
    /// The window.
    public var window: UInt16
    /// The urgent pointer.
    public var urgentPointer: UInt16
    /// The Maximum Segment Size option.
    public var maximumSegmentSize: UInt16?
    /// The Window Scale option's shift count.
    public var windowScale: UInt8?
    /// Whether the SACK-Permitted option is present.
    public var sackPermitted: Bool
    /// The Timestamps option's value and echo reply.
    public var timestamps: TCPTimestamps?

    /// Creates a header from its fields.
    @inlinable
    public init(
        sourcePort: UInt16, destinationPort: UInt16, sequenceNumber: UInt32, acknowledgmentNumber: UInt32 = 0,
        flags: TCPFlags, window: UInt16, urgentPointer: UInt16 = 0, maximumSegmentSize: UInt16? = nil,
        windowScale: UInt8? = nil, sackPermitted: Bool = false, timestamps: TCPTimestamps? = nil
    ) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.flags = flags
        self.window = window
        self.urgentPointer = urgentPointer
        self.maximumSegmentSize = maximumSegmentSize
        self.windowScale = windowScale
        self.sackPermitted = sackPermitted
        self.timestamps = timestamps
    }

    /// Reads the fields and known options of a segment.
    @inlinable
    public init(_ packet: TCPPacket) {
        self.init(
            sourcePort: packet.sourcePort, destinationPort: packet.destinationPort,
            sequenceNumber: packet.sequenceNumber, acknowledgmentNumber: packet.acknowledgmentNumber,
            flags: packet.flags, window: packet.window, urgentPointer: packet.urgentPointer)
        for option in packet.options {
            switch option.kind {
            case .maximumSegmentSize: maximumSegmentSize = option.maximumSegmentSize
            case .windowScale: windowScale = option.windowScale
            case .sackPermitted: sackPermitted = true
            case .timestamps: timestamps = option.timestamps
            default: break
            }
        }
    }

    /// The length of the options as emitted, a multiple of 4.
    @inlinable public var optionsLength: Int {
        var length = maximumSegmentSize == nil ? 0 : 4
        switch (sackPermitted, timestamps != nil) {
        case (true, true): length += 12  // SACK-permitted (2) + timestamps (10)
        case (true, false): length += 4  // NOP NOP SACK-permitted
        case (false, true): length += 12  // NOP NOP timestamps
        case (false, false): break
        }
        if windowScale != nil { length += 4 }  // NOP window-scale
        return length
    }

    /// The length of the emitted header.
    @inlinable public var headerLength: Int { TCPField.options + optionsLength }

    /// Writes the header at the start of `buffer`, with a zero checksum.
    @inlinable
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        let headerLength = self.headerLength
        try requireLength(buffer.count, headerLength)
        buffer.writeUInt16(sourcePort, at: TCPField.sourcePort)
        buffer.writeUInt16(destinationPort, at: TCPField.destinationPort)
        buffer.writeUInt32(sequenceNumber, at: TCPField.sequenceNumber)
        buffer.writeUInt32(acknowledgmentNumber, at: TCPField.acknowledgmentNumber)
        buffer.writeUInt16(UInt16(headerLength / 4) << 12 | flags.rawValue, at: TCPField.dataOffsetAndFlags)
        buffer.writeUInt16(window, at: TCPField.window)
        buffer.writeUInt16(0, at: TCPField.checksum)
        buffer.writeUInt16(urgentPointer, at: TCPField.urgentPointer)
        var offset = TCPField.options
        func put(_ byte: UInt8) {
            buffer.writeUInt8(byte, at: offset)
            offset += 1
        }
        if let maximumSegmentSize {
            put(TCPOptionKind.maximumSegmentSize.rawValue)
            put(4)
            buffer.writeUInt16(maximumSegmentSize, at: offset)
            offset += 2
        }
        if sackPermitted {
            if timestamps == nil { put(1); put(1) }
            put(TCPOptionKind.sackPermitted.rawValue)
            put(2)
        }
        if let timestamps {
            if !sackPermitted { put(1); put(1) }
            put(TCPOptionKind.timestamps.rawValue)
            put(10)
            buffer.writeUInt32(timestamps.value, at: offset)
            buffer.writeUInt32(timestamps.echoReply, at: offset + 4)
            offset += 8
        }
        if let windowScale {
            put(1)
            put(TCPOptionKind.windowScale.rawValue)
            put(3)
            put(windowScale)
        }
    }
}

// TCP option (RFC 9293 section 3.2): End of Option List (0) and No-Operation (1) are one byte;
// every other option is kind, length (counting both), data:
//
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
//  |     Kind      |    Length     |  Data ...
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-

/// A TCP option kind.
public struct TCPOptionKind: RawRepresentable, Hashable, Sendable {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// End of Option List, 0.
    @inlinable public static var endOfOptions: TCPOptionKind { TCPOptionKind(rawValue: 0) }
    /// No-Operation, 1.
    @inlinable public static var noOperation: TCPOptionKind { TCPOptionKind(rawValue: 1) }
    /// Maximum Segment Size, 2.
    @inlinable public static var maximumSegmentSize: TCPOptionKind { TCPOptionKind(rawValue: 2) }
    /// Window Scale, 3.
    @inlinable public static var windowScale: TCPOptionKind { TCPOptionKind(rawValue: 3) }
    /// SACK-Permitted, 4.
    @inlinable public static var sackPermitted: TCPOptionKind { TCPOptionKind(rawValue: 4) }
    /// SACK blocks, 5.
    @inlinable public static var sack: TCPOptionKind { TCPOptionKind(rawValue: 5) }
    /// Timestamps, 8.
    @inlinable public static var timestamps: TCPOptionKind { TCPOptionKind(rawValue: 8) }
}

/// The value and echo reply of a TCP Timestamps option.
public struct TCPTimestamps: Hashable, Sendable {
    /// TSval.
    public var value: UInt32
    /// TSecr.
    public var echoReply: UInt32

    /// Creates a timestamps value.
    @inlinable
    public init(value: UInt32, echoReply: UInt32) {
        self.value = value
        self.echoReply = echoReply
    }
}

/// One TCP option: its kind and its data (the bytes after kind and length).
public struct TCPOption {
    /// The option kind.
    public let kind: TCPOptionKind
    /// The option's data, without kind and length bytes.
    public let data: UnsafeRawBufferPointer

    /// Wraps an option.
    @inlinable
    public init(kind: TCPOptionKind, data: UnsafeRawBufferPointer) {
        self.kind = kind
        self.data = data
    }

    /// The MSS of a well-formed Maximum Segment Size option.
    @inlinable public var maximumSegmentSize: UInt16? {
        kind == .maximumSegmentSize && data.count == 2 ? data.readUInt16(at: 0) : nil
    }
    /// The shift count of a well-formed Window Scale option.
    @inlinable public var windowScale: UInt8? {
        kind == .windowScale && data.count == 1 ? data.readUInt8(at: 0) : nil
    }
    /// The values of a well-formed Timestamps option.
    @inlinable public var timestamps: TCPTimestamps? {
        kind == .timestamps && data.count == 8
            ? TCPTimestamps(value: data.readUInt32(at: 0), echoReply: data.readUInt32(at: 4)) : nil
    }
}

/// The options of a TCP header, as a sequence that never allocates.
///
/// No-Operation options are skipped; iteration ends at End of Option List, at the end of the
/// bytes, or at a malformed option (length below 2 or past the end).
public struct TCPOptions: Sequence, IteratorProtocol {
    @usableFromInline var bytes: UnsafeRawBufferPointer
    @usableFromInline var offset: Int

    /// Iterates the options in `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.offset = 0
    }

    /// The next option, or nil.
    @inlinable
    public mutating func next() -> TCPOption? {
        while offset < bytes.count {
            let kind = TCPOptionKind(rawValue: bytes.readUInt8(at: offset))
            if kind == .endOfOptions { break }
            if kind == .noOperation {
                offset += 1
                continue
            }
            guard offset + 1 < bytes.count else { break }
            let length = Int(bytes.readUInt8(at: offset + 1))
            guard length >= 2, offset + length <= bytes.count else { break }
            let option = TCPOption(kind: kind, data: bytes.slice(from: offset + 2, to: offset + length))
            offset += length
            return option
        }
        offset = bytes.count
        return nil
    }
}

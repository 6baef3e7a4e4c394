/// An error reading or writing a capture file, naming where it happened.
///
/// Its description is one line: `FILE: byte OFFSET, packet N (BLOCK): MESSAGE`, with the parts
/// that are not known left out.
public struct CaptureError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// The file could not be opened, read or written.
        case io
        /// Not a capture file, or a format version we do not read.
        case unsupported
        /// The data ends inside a header or record.
        case truncated
        /// A field holds an impossible value.
        case corrupt
        /// An output constraint was not met (existing file, mixed link types…).
        case output
    }

    public var kind: Kind
    public var file: String
    /// Byte offset in the (decompressed) stream where the bad header or record starts.
    public var offset: UInt64?
    /// 1-based number of the packet being read (the last good packet + 1).
    public var packet: Int?
    /// The pcapng block type or pcap structure involved, e.g. "EPB" or "record header".
    public var block: String?
    public var message: String

    public init(_ kind: Kind, file: String, offset: UInt64? = nil, packet: Int? = nil,
                block: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.offset = offset
        self.packet = packet
        self.block = block
        self.message = message
    }

    /// Whether skipping the bad record and going on (`--keep-going`) can make sense.
    public var isRecoverable: Bool { kind == .corrupt }

    public var description: String {
        var location: [String] = []
        if let offset { location.append("byte \(offset)") }
        if let packet { location.append("packet \(packet)") }
        var head = file
        if !location.isEmpty { head += ": " + location.joined(separator: ", ") }
        if let block { head += " (\(block))" }
        return head + ": " + message
    }
}

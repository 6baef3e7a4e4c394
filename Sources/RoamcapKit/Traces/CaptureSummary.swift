import CaptureFile
import PacketFilter

/// What `roamcap info` reports about one capture file (capinfos' job).
public struct CaptureSummary: Sendable {
    public var file: String
    public var format: CaptureFormat
    public var compression: Compression
    public var fileBytes: UInt64?
    public var sections: [SectionHeader] = []
    public var interfaces: [InterfaceDescription] = []
    /// Packets per interface (global index).
    public var packetsPerInterface: [Int] = []
    public var packets = 0
    /// Captured bytes (sum of captured lengths), as capinfos' "data size".
    public var bytes: UInt64 = 0
    /// Bytes on the wire (sum of original lengths).
    public var originalBytes: UInt64 = 0
    public var first: Timestamp?
    public var last: Timestamp?
    /// Timestamps of the first and last packet in file order (what tshark's first and last
    /// frame show); nil for a packet without a timestamp (pcapng simple packet block).
    public var firstInFileOrder: Timestamp?
    public var lastInFileOrder: Timestamp?
    /// Packets without a timestamp (pcapng simple packet blocks), left out of first/last.
    public var untimedPackets = 0
    /// Whether file order is time order (no packet earlier than the one before it).
    public var ordered = true
    /// Packets with at least one opt_comment.
    public var commentedPackets = 0
    /// Packets whose captured length is below their original length.
    public var truncatedPackets = 0
    public var skippedRecords = 0
    public var firstSkippedError: CaptureError?
    public var subsecondCarries = 0
    public var skippedBlocks = 0
    public var otherBlocks: [UInt32: Int] = [:]

    public var duration: Double? {
        guard let first, let last else { return nil }
        return Double(last.nanoseconds(since: first)) / 1e9
    }

    /// Reads the whole file. `progress` is called now and then with the reader.
    public static func read(path: String, reading: ReadOptions,
                            progress: ((CaptureReader) -> Void)? = nil) throws(CaptureError) -> CaptureSummary {
        let reader = try CaptureReader(path: path, reading: reading)
        var s = CaptureSummary(file: path, format: reader.format, compression: reader.compression,
                               fileBytes: reader.progress.total)
        var previous = Timestamp(seconds: .min, nanoseconds: 0)
        var first = Timestamp(seconds: .max, nanoseconds: 0)
        var last = Timestamp(seconds: .min, nanoseconds: 0)
        var packets = 0
        var bytes: UInt64 = 0
        var originalBytes: UInt64 = 0
        var ordered = true
        var perInterface: [Int] = []
        var lastTimestamped = 0
        while let record = try reader.next() {
            switch record {
            case .packet(let packet):
                packets += 1
                bytes &+= UInt64(packet.data.count)
                originalBytes &+= UInt64(packet.originalLength)
                let t = packet.timestamp
                if packets == 1 { s.firstInFileOrder = packet.hasTimestamp ? t : nil }
                if packet.hasTimestamp {
                    if t < previous { ordered = false }
                    previous = t
                    if t < first { first = t }
                    if last < t { last = t }
                    lastTimestamped = packets
                } else {
                    s.untimedPackets += 1
                }
                if packet.interface >= perInterface.count {
                    perInterface.append(contentsOf: repeatElement(0, count: packet.interface + 1 - perInterface.count))
                }
                perInterface[packet.interface] += 1
                if packet.data.count < packet.originalLength { s.truncatedPackets += 1 }
                if packet.options.count > 0 && hasComment(packet.options, bigEndian: packet.optionsBigEndian) {
                    s.commentedPackets += 1
                }
                if packets & 0xFFFF == 0, let progress { progress(reader) }
            case .other(let block):
                s.otherBlocks[block.type, default: 0] += 1
            case .section, .interface:
                break
            }
        }
        s.packets = packets
        s.bytes = bytes
        s.originalBytes = originalBytes
        s.ordered = ordered
        if lastTimestamped > 0 {
            s.first = first
            s.last = last
        }
        s.lastInFileOrder = lastTimestamped == packets && packets > 0 ? previous : nil
        s.sections = reader.sections
        s.interfaces = reader.interfaces
        perInterface.append(contentsOf: repeatElement(0, count: max(0, reader.interfaces.count - perInterface.count)))
        s.packetsPerInterface = perInterface
        s.skippedRecords = reader.skippedRecords
        s.firstSkippedError = reader.firstSkippedError
        s.subsecondCarries = reader.subsecondCarries
        s.skippedBlocks = reader.skippedBlocks
        return s
    }

    /// Whether a raw option list holds an opt_comment (code 1).
    static func hasComment(_ options: UnsafeRawBufferPointer, bigEndian: Bool) -> Bool {
        var at = 0
        while at + 4 <= options.count {
            var code = options.loadUnaligned(fromByteOffset: at, as: UInt16.self)
            var length = options.loadUnaligned(fromByteOffset: at + 2, as: UInt16.self)
            if bigEndian { code = code.byteSwapped; length = length.byteSwapped }
            if code == 0 { return false }
            if code == 1 { return true }
            at += 4 + ((Int(length) + 3) & ~3)
        }
        return false
    }

    /// Every comment of sections and interfaces.
    public var comments: [String] {
        sections.flatMap { $0.options.comments } + interfaces.flatMap { $0.options.comments }
    }


}

/// A number with a fixed count of decimals (no Foundation).
func formatDouble(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let negative = value < 0
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9.2e18 else { return String(value) }
    let n = Int64(scaled)
    let whole = n / Int64(scale)
    var frac = String(n % Int64(scale))
    frac = String(repeating: "0", count: max(0, decimals - frac.count)) + frac
    return (negative ? "-" : "") + String(whole) + (decimals > 0 ? "." + frac : "")
}

/// Reads a pcap or pcapng file, plain or compressed, as a stream of records.
///
/// One buffer is reused for the whole file: memory does not depend on the trace's size. A
/// `Packet`'s bytes are valid until the next call to `next()`.
public final class CaptureReader {
    public let path: String
    public let format: CaptureFormat
    public let compression: Compression
    /// Sections seen so far (pcap: one synthetic section).
    public internal(set) var sections: [SectionHeader] = []
    /// Interfaces seen so far, over all sections (pcap: the one implicit interface).
    public internal(set) var interfaces: [InterfaceDescription] = []
    /// Skip unreadable records instead of failing (`--keep-going`).
    public var keepGoing = false
    /// Records that could not be read and were skipped (with `keepGoing`).
    public internal(set) var skippedRecords = 0
    /// The first error skipped with `keepGoing`, to be reported as a warning.
    public internal(set) var firstSkippedError: CaptureError?
    /// pcap records whose sub-second field was out of range and carried into the seconds.
    public internal(set) var subsecondCarries = 0
    /// pcapng blocks of unknown or uncopyable types that were skipped.
    public internal(set) var skippedBlocks = 0
    /// Packets returned so far.
    public internal(set) var packetCount = 0
    /// Without `keepGoing`, end the file at an unreadable record instead of throwing, so that
    /// what was read before it can be reported first (then `endingError`, exit 2), as tshark
    /// prints the frames before an error. Set by the commands that analyze.
    public var endsAtFirstError = false
    /// The error that ended the file (with `endsAtFirstError`; also `firstSkippedError`, while
    /// `skippedRecords` stays 0).
    public internal(set) var endingError: CaptureError?

    /// Where the file's header blocks are (pcap: its 24-byte header; pcapng: every section
    /// header and interface description so far), in order: what a reader resumed in the middle
    /// of the file reads first (`CaptureResumePoint`).
    var headerBlocks: [Range<UInt64>] = []

    let buffer: InputBuffer
    let file: FileSource
    let pcap: PcapState?
    var pcapng = PcapngState()
    /// Synthetic records still to return before the first pcap packet.
    var pendingHeaderRecords: [CaptureRecord] = []
    var finished = false

    /// The largest packet accepted (a bound checked before allocating).
    public static let maximumPacketLength = 16 << 20
    /// The most interface descriptions accepted in one file, over all its sections: 100,000
    /// (each costs about a kilobyte with its options and the port it maps to; real captures
    /// have a handful).
    public static let maximumInterfaces = 100_000
    /// The largest pcapng block accepted.
    public static let maximumBlockLength = maximumPacketLength + 64 * 1024

    /// Opens `path` (`-` for standard input) and reads its file header; with `resume`, goes on
    /// from a record boundary another reader of the same file reached (`resumePoint`).
    public init(path: String, resume: CaptureResumePoint? = nil) throws(CaptureError) {
        self.path = path
        let opened = try openByteSource(path: path)
        file = opened.file
        compression = opened.compression
        if let resume {
            let source = try ResumedSource(opened.source, file: opened.file, compressed: opened.compression != .none,
                                           name: path, at: resume)
            buffer = InputBuffer(source: source, maximumCapacity: Self.maximumBlockLength + 16,
                                 streamOffset: resume.offset &- UInt64(source.headerByteCount))
        } else {
            buffer = InputBuffer(source: opened.source, maximumCapacity: Self.maximumBlockLength + 16)
        }
        guard try buffer.ensure(4) else {
            if let failure = buffer.sourceFailure { throw failure }
            if buffer.available == 0 {
                throw CaptureError(.unsupported, file: path, offset: 0, "empty file, not a capture")
            }
            throw CaptureError(.truncated, file: path, offset: 0, "file too short to be a capture")
        }
        let magic = buffer.pointer.loadUnaligned(as: UInt32.self)
        if magic == 0x0A0D_0D0A {
            format = .pcapng
            pcap = nil
        } else if let state = PcapState(magic: magic) {
            format = .pcap
            pcap = state
            try readPcapHeader()
        } else {
            let first = UInt32(bigEndian: magic)
            let hex = String(first, radix: 16)
            let padded = String(repeating: "0", count: 8 - hex.count) + hex
            throw CaptureError(.unsupported, file: path, offset: 0,
                               "not a pcap or pcapng file (starts with 0x\(padded))")
        }
        if let resume {
            packetCount = resume.packets
            pcapng.lastTimestamp = resume.lastTimestamp
            finished = resume.finished
        }
    }

    /// The next record, or nil at the end of the file.
    @inline(__always)
    public func next() throws(CaptureError) -> CaptureRecord? {
        if pcap != nil {
            if !pendingHeaderRecords.isEmpty { return pendingHeaderRecords.removeFirst() }
            if let packet = try nextPcapPacket() { return .packet(packet) }
            return nil
        }
        return try nextPcapngRecord()
    }

    /// The next packet, skipping every other record (which still updates `interfaces`).
    @inline(__always)
    public func nextPacket() throws(CaptureError) -> Packet? {
        while let record = try next() {
            if case .packet(let packet) = record { return packet }
        }
        return nil
    }

    /// The link type of interface `index` (a global index, as in `Packet.interface`), without
    /// touching the `interfaces` array from outside (which costs a retain per packet).
    @inline(__always)
    public func linkType(ofInterface index: Int) -> UInt16 {
        interfaces[index].linkType
    }

    /// Bytes read from the file so far and its size when known (for progress reports).
    public var progress: (read: UInt64, total: UInt64?) { (file.compressedBytesRead, file.size) }

    /// Offset in the (decompressed) stream of the next unread byte.
    public var streamOffset: UInt64 { buffer.streamOffset }

    func error(_ kind: CaptureError.Kind, at offset: UInt64, block: String? = nil,
               _ message: String) -> CaptureError {
        if kind == .truncated, let failure = buffer.sourceFailure {
            // The decompressor ended the stream: say why, and where in both streams.
            return CaptureError(failure.kind, file: path, offset: offset, packet: packetCount + 1, block: block,
                                "\(failure.message) at byte \(failure.offset ?? 0) of the decompressed stream, \(message)")
        }
        return CaptureError(kind, file: path, offset: offset, packet: packetCount + 1, block: block, message)
    }

    /// At a record boundary where the stream ended: a clean end, or the decompression failure
    /// that ended it (skipped with `keepGoing`, after every record before it).
    func checkEndOfStream() throws(CaptureError) {
        guard let failure = buffer.sourceFailure else { return }
        try endWithError(CaptureError(failure.kind, file: path, offset: buffer.streamOffset,
                                      packet: packetCount + 1, failure.message))
    }

    /// Records a skipped record under `--keep-going`; else ends the file there (with
    /// `endsAtFirstError`, keeping the error in `endingError`) or throws.
    func skipOrThrow(_ error: CaptureError) throws(CaptureError) {
        guard keepGoing else {
            guard endsAtFirstError else { throw error }
            endingError = error
            if firstSkippedError == nil { firstSkippedError = error }
            finished = true
            return
        }
        skippedRecords += 1
        if firstSkippedError == nil { firstSkippedError = error }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A record boundary of a capture file, from which another reader (in another process, on
/// another machine) can go on reading as if it had read everything before: the offset of the
/// next record in the (decompressed) stream, where the header blocks before it are (read
/// first, to rebuild the sections and interfaces), and the counters that carry over.
///
/// Sharded runs (SPEC §9) start each shard's readers at such points.
public struct CaptureResumePoint: Sendable, Equatable, Codable {
    /// Offset of the next record in the decompressed stream.
    public var offset: UInt64
    /// The file header (pcap) or every section header and interface description (pcapng)
    /// before `offset`, in file order.
    public var headerBlocks: [Range<UInt64>]
    /// Packets read before `offset` (for the packet numbers of error messages).
    public var packets: Int
    /// The time of the last packet before `offset` that had one (pcapng simple packet blocks
    /// are dated from it).
    public var lastTimestamp: Timestamp?
    /// The reader had ended there (end of file, or an unreadable record it stopped at).
    public var finished: Bool

    public init(offset: UInt64, headerBlocks: [Range<UInt64>], packets: Int, lastTimestamp: Timestamp?, finished: Bool) {
        self.offset = offset
        self.headerBlocks = headerBlocks
        self.packets = packets
        self.lastTimestamp = lastTimestamp
        self.finished = finished
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        self.init(seconds: try c.decode(Int64.self), nanoseconds: try c.decode(UInt32.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(seconds)
        try c.encode(nanoseconds)
    }
}

extension CaptureReader {
    /// The point before the next unread record (see `CaptureResumePoint`). Not for a reader
    /// that was itself resumed (its header blocks are where the resumed source put them).
    public var resumePoint: CaptureResumePoint {
        CaptureResumePoint(offset: buffer.streamOffset, headerBlocks: headerBlocks, packets: packetCount,
                           lastTimestamp: pcapng.lastTimestamp, finished: finished)
    }

    /// The parts of `resumePoint` that change with every record, cheap to keep per packet; with
    /// `resumePoint(from:)` they give the full point later (header blocks only grow).
    public var resumeMark: CaptureResumeMark {
        CaptureResumeMark(offset: buffer.streamOffset, headerBlockCount: headerBlocks.count, packets: packetCount,
                          lastTimestamp: pcapng.lastTimestamp, finished: finished)
    }

    public func resumePoint(from mark: CaptureResumeMark) -> CaptureResumePoint {
        CaptureResumePoint(offset: mark.offset, headerBlocks: Array(headerBlocks.prefix(mark.headerBlockCount)),
                           packets: mark.packets, lastTimestamp: mark.lastTimestamp, finished: mark.finished)
    }
}

/// See `CaptureReader.resumeMark`.
public struct CaptureResumeMark: Sendable {
    var offset: UInt64
    var headerBlockCount: Int
    var packets: Int
    var lastTimestamp: Timestamp?
    var finished: Bool
}

/// A stream that gives a file's header blocks, then the file from a record boundary on: what a
/// reader of the whole file would have read, without the records in between. A plain file is
/// read at the header blocks' offsets and then from `offset` (`pread`, `lseek`); a compressed
/// one is decompressed from its start, keeping the header blocks and dropping the rest up to
/// `offset` (a compressed stream cannot be entered in the middle).
final class ResumedSource: ByteSource {
    private let inner: any ByteSource
    private var header: [UInt8] = []
    private var headerOffset = 0

    var headerByteCount: Int { header.count }
    var compressedBytesRead: UInt64 { inner.compressedBytesRead }
    var failure: CaptureError? { inner.failure }

    init(_ inner: any ByteSource, file: FileSource, compressed: Bool, name: String,
         at point: CaptureResumePoint) throws(CaptureError) {
        self.inner = inner
        var previousEnd: UInt64 = 0
        for block in point.headerBlocks {
            guard block.lowerBound >= previousEnd, block.upperBound <= point.offset else {
                throw CaptureError(.corrupt, file: name, offset: block.lowerBound,
                                   "resume point: header blocks out of order or after the offset \(point.offset)")
            }
            previousEnd = block.upperBound
        }
        if !compressed, file.size != nil {
            for block in point.headerBlocks {
                let count = Int(block.upperBound - block.lowerBound)
                let start = header.count
                header.append(contentsOf: repeatElement(0, count: count))
                let n = header.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress! + start, count, off_t(block.lowerBound)) }
                guard n == count else {
                    throw CaptureError(.truncated, file: name, offset: block.lowerBound,
                                       "resume point: cannot read the header block (the file changed?)")
                }
            }
            try file.seek(to: point.offset)
            return
        }
        // Forward through the decompressed stream, keeping the header blocks.
        var position: UInt64 = 0
        var blocks = point.headerBlocks.makeIterator()
        var block = blocks.next()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while position < point.offset {
            let want = Int(min(UInt64(chunk.count), point.offset - position))
            let n = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<want]))
            if n == 0 {
                throw inner.failure ?? CaptureError(.truncated, file: name, offset: position,
                                                    "resume point \(point.offset) is past the end of the stream")
            }
            let end = position + UInt64(n)
            while let b = block, b.lowerBound < end {
                let from = Int(max(b.lowerBound, position) - position)
                let to = Int(min(b.upperBound, end) - position)
                header.append(contentsOf: chunk[from..<to])
                if b.upperBound <= end { block = blocks.next() } else { break }
            }
            position = end
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int {
        if headerOffset < header.count {
            let n = min(buffer.count, header.count - headerOffset)
            header.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + headerOffset, byteCount: n)
            }
            headerOffset += n
            return n
        }
        return try inner.read(into: buffer)
    }
}

extension FileSource {
    /// Moves a regular file's read position to `offset` (forgetting any peeked bytes).
    func seek(to offset: UInt64) throws(CaptureError) {
        guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
            throw CaptureError(.io, file: name, "cannot seek to byte \(offset): \(errnoText())")
        }
        peeked = []
        peekedOffset = 0
    }
}

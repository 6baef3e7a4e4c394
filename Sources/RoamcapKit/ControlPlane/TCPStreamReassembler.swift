import CaptureFile
import PacketWire

/// Where a reassembled byte stream goes: in-order bytes, gaps, and the start of a new connection.
///
/// Generic rather than a closure or an existential so that a reader's consumer is specialized
/// into the loop.
public protocol TCPStreamConsumer {
    /// Bytes that follow, in sequence order, the bytes delivered before (or the last gap).
    /// `time` and `packet` are those of the segment that made them available.
    mutating func deliver(_ bytes: UnsafeRawBufferPointer, time: Timestamp, packet: Int)
    /// Bytes `offset ..< offset + length` of the stream will never be delivered (lost, or
    /// beyond the out-of-order cap); what follows is delivered after it.
    mutating func gap(offset: Int64, length: Int64, time: Timestamp, packet: Int)
    /// A new connection began on the same addresses and ports (a SYN with another initial
    /// sequence number, or data after a RST): forget any partial message.
    mutating func restart(time: Timestamp, packet: Int)
}

/// Puts the segments of one direction of a TCP connection back in sequence order.
///
/// Handles retransmissions and duplicates (bytes already delivered are dropped), overlapping
/// segments (only the new bytes count), out-of-order segments (held until the hole before them
/// is filled), SYN and FIN (each takes one sequence number; data after a FIN is ignored), RST
/// (in the window: the next segment starts afresh; out of it: ignored, as RFC 5961 has
/// endpoints do), sequence numbers wrapping past 2^32 (offsets are kept as
/// 64-bit distances from the initial sequence number), and captures that begin in the middle of
/// a connection (the first segment seen sets the start).
///
/// Memory is bounded: at most `outOfOrderLimit` bytes of out-of-order segments are held per
/// direction (default 1 MiB, a few times a BGP speaker's usual window). A segment that would
/// go beyond the cap declares the hole before the earliest held segment lost: a gap is
/// reported, and the held bytes are delivered after it. `finish` does the same at the end of
/// the input for whatever is still held. In-order bytes are handed on at once and never held.
public struct TCPStreamReassembler {
    /// The default cap on out-of-order bytes held per direction: 1 MiB.
    public static let defaultOutOfOrderLimit = 1 << 20

    /// The most out-of-order bytes held before a gap is declared.
    public let outOfOrderLimit: Int
    /// Whether any segment has been seen (the stream has a start).
    public private(set) var isStarted = false
    /// The stream offset of the next byte expected in order.
    public private(set) var nextOffset: Int64 = 0
    /// Bytes currently held out of order.
    public private(set) var heldBytes = 0
    /// Gaps declared so far, and their total length in bytes.
    public private(set) var gapCount = 0
    public private(set) var gapBytes: Int64 = 0

    /// The sequence number of stream offset 0.
    private var initialSequence: UInt32 = 0
    /// Whether the start came from a SYN (then another SYN with another number is a new connection).
    private var sawSYN = false
    /// The offset of the FIN, once seen: nothing at or past it is delivered.
    private var finOffset: Int64?
    /// A RST was seen: the next segment starts a new stream.
    private var wasReset = false
    /// Out-of-order segments, sorted by offset, none overlapping the delivered bytes.
    private var held: [(offset: Int64, bytes: [UInt8])] = []

    /// Creates a reassembler holding at most `outOfOrderLimit` out-of-order bytes (at least 1).
    public init(outOfOrderLimit: Int = TCPStreamReassembler.defaultOutOfOrderLimit) {
        self.outOfOrderLimit = max(1, outOfOrderLimit)
    }

    /// Takes one segment: its sequence number, control bits and payload, and the time and number
    /// of the packet that carried it. `missing` counts the payload bytes the capture cut off
    /// after `payload` (a snap length): when the segment is in order they are declared lost at
    /// once, so what follows need not wait for the cap.
    public mutating func receive<Consumer: TCPStreamConsumer>(
        sequence: UInt32, flags: TCPFlags, payload: UnsafeRawBufferPointer, missing: Int = 0, time: Timestamp,
        packet: Int, into consumer: inout Consumer
    ) {
        let syn = flags.contains(.syn)
        if isStarted && (wasReset || (syn && (!sawSYN || sequence &+ 1 != initialSequence))) {
            // A new connection on the same addresses and ports.
            self = TCPStreamReassembler(outOfOrderLimit: outOfOrderLimit)
            consumer.restart(time: time, packet: packet)
        }
        if !isStarted {
            isStarted = true
            sawSYN = syn
            initialSequence = syn ? sequence &+ 1 : sequence
        }
        // The segment's data starts after the SYN's sequence number, if it has one. It is placed
        // within ±2^31 of the next byte expected (never of the last segment seen, so one stray
        // segment cannot shift the ones after it).
        let dataSequence = syn ? sequence &+ 1 : sequence
        let expectedSequence = initialSequence &+ UInt32(truncatingIfNeeded: nextOffset)
        var start = nextOffset + Int64(Int32(bitPattern: dataSequence &- expectedSequence))
        var end = start + Int64(payload.count)
        if flags.contains(.rst) {
            // Only a RST in the window ends the connection (RFC 5961); a stray one is ignored.
            if start >= nextOffset - 1 && start <= nextOffset + Int64(outOfOrderLimit) { wasReset = true }
            return
        }
        // A FIN for bytes already delivered past is stray (the real one ends at or after them).
        if flags.contains(.fin) && finOffset == nil && end >= nextOffset { finOffset = end }
        if let finOffset { end = min(end, finOffset) }
        var bytes = payload
        if start < nextOffset {
            // A retransmission or an overlap: keep only the bytes not delivered yet.
            guard end > nextOffset else { return }
            bytes = bytes.slice(from: Int(nextOffset - start), to: Int(end - start))
            start = nextOffset
        } else if end < start + Int64(bytes.count) {
            bytes = bytes.slice(from: 0, to: Int(max(end - start, 0)))
        }
        guard !bytes.isEmpty else { return }
        if start == nextOffset {
            consumer.deliver(bytes, time: time, packet: packet)
            nextOffset = end
            if missing > 0 {
                let cut = min(nextOffset + Int64(missing), finOffset ?? .max)
                // Held bytes the cut-off part would have covered are dropped with it.
                while let first = held.first, first.offset < cut {
                    held.removeFirst()
                    heldBytes -= first.bytes.count
                    if first.offset + Int64(first.bytes.count) > cut {
                        let keep = Array(first.bytes[Int(cut - first.offset)...])
                        held.insert((cut, keep), at: 0)
                        heldBytes += keep.count
                        break
                    }
                }
                declareGap(to: cut, time: time, packet: packet, into: &consumer)
            }
            deliverHeld(time: time, packet: packet, into: &consumer)
            return
        }
        hold(offset: start, bytes: bytes)
        while heldBytes > outOfOrderLimit, let first = held.first {
            declareGap(to: first.offset, time: time, packet: packet, into: &consumer)
            deliverHeld(time: time, packet: packet, into: &consumer)
        }
    }

    /// Declares lost whatever hole is before the held segments and delivers them (call at the end
    /// of the input, with the time and number of the last packet).
    public mutating func finish<Consumer: TCPStreamConsumer>(time: Timestamp, packet: Int, into consumer: inout Consumer) {
        while let first = held.first {
            declareGap(to: first.offset, time: time, packet: packet, into: &consumer)
            deliverHeld(time: time, packet: packet, into: &consumer)
        }
    }

    /// Inserts an out-of-order segment, dropping the bytes other held segments already have.
    private mutating func hold(offset: Int64, bytes: UnsafeRawBufferPointer) {
        var start = offset
        let end = offset + Int64(bytes.count)
        var index = 0
        while index < held.count && held[index].offset + Int64(held[index].bytes.count) <= start { index += 1 }
        // Insert the pieces of [start, end) not covered by held[index...], in order.
        while start < end {
            if index < held.count && held[index].offset <= start {
                start = max(start, held[index].offset + Int64(held[index].bytes.count))
                index += 1
                continue
            }
            let pieceEnd = index < held.count ? min(end, held[index].offset) : end
            let piece = Array(bytes.slice(from: Int(start - offset), to: Int(pieceEnd - offset)))
            held.insert((start, piece), at: index)
            heldBytes += piece.count
            index += 1
            start = pieceEnd
        }
    }

    /// Delivers the held segments that now follow the delivered bytes.
    private mutating func deliverHeld<Consumer: TCPStreamConsumer>(time: Timestamp, packet: Int, into consumer: inout Consumer) {
        while let first = held.first, first.offset <= nextOffset {
            held.removeFirst()
            heldBytes -= first.bytes.count
            let end = first.offset + Int64(first.bytes.count)
            guard end > nextOffset else { continue }
            first.bytes.withUnsafeBytes { raw in
                consumer.deliver(raw.slice(from: Int(nextOffset - first.offset)), time: time, packet: packet)
            }
            nextOffset = end
        }
    }

    /// Reports the bytes from the next expected one to `offset` as lost and moves past them.
    private mutating func declareGap<Consumer: TCPStreamConsumer>(
        to offset: Int64, time: Timestamp, packet: Int, into consumer: inout Consumer
    ) {
        guard offset > nextOffset else { return }
        consumer.gap(offset: nextOffset, length: offset - nextOffset, time: time, packet: packet)
        gapCount += 1
        gapBytes += offset - nextOffset
        nextOffset = offset
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes in `start..<end`; both must lie within the buffer.
    @inline(__always)
    fileprivate func slice(from start: Int, to end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[start..<end])
    }

    /// The bytes from `start` to the end.
    @inline(__always)
    fileprivate func slice(from start: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[start...])
    }
}

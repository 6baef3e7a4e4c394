import CaptureFile
import PacketWire

/// Which messages a reassembled stream carries.
public enum ControlPlaneProtocol: String, Sendable {
    /// BGP-4 messages (RFC 4271).
    case bgp
    /// BMP messages (RFC 7854), each route monitoring message carrying one BGP UPDATE.
    case bmp
}

/// Cuts a reassembled byte stream into whole BGP (or BMP) messages.
///
/// Each message is handed on with the time and packet number of the segment that completed it.
/// After a gap, or where the bytes are not a plausible message header (a capture that starts
/// in the middle of a message, or garbage), the framer resynchronizes (SPEC §8): it drops bytes
/// up to the next 16-byte all-ones BGP marker that starts a plausible header (for BMP: a marker
/// 48 bytes after a plausible route monitoring header) and goes on from there. At most one
/// message (≤ 64 KiB for BGP, `BMPMessage.maximumLength` for BMP) plus 47 bytes is buffered.
public struct BGPMessageFramer: TCPStreamConsumer {
    /// A whole message, valid during the call.
    public typealias Handler = (_ message: UnsafeRawBufferPointer, _ time: Timestamp, _ packet: Int) -> Void

    /// What the stream carries.
    public let kind: ControlPlaneProtocol
    /// Gaps reported by the reassembler.
    public private(set) var gaps: [(offset: Int64, length: Int64, time: Timestamp, packet: Int)] = []
    /// Bytes dropped while resynchronizing.
    public private(set) var skippedBytes: Int64 = 0
    /// How many times the framer had to look for a marker because the bytes were not a message.
    public private(set) var desynchronizations = 0
    /// Whole messages handed on.
    public private(set) var messageCount = 0

    private var buffer: [UInt8] = []
    private var start = 0
    private var resynchronizing = false
    private let handler: Handler

    /// Creates a framer for `kind` that hands each whole message to `handler`.
    public init(kind: ControlPlaneProtocol, handler: @escaping Handler) {
        self.kind = kind
        self.handler = handler
    }

    public mutating func deliver(_ bytes: UnsafeRawBufferPointer, time: Timestamp, packet: Int) {
        buffer.append(contentsOf: bytes)
        frame(time: time, packet: packet)
    }

    public mutating func gap(offset: Int64, length: Int64, time: Timestamp, packet: Int) {
        gaps.append((offset, length, time, packet))
        skippedBytes += Int64(buffer.count - start)
        buffer.removeAll(keepingCapacity: true)
        start = 0
        resynchronizing = true
    }

    public mutating func restart(time: Timestamp, packet: Int) {
        buffer.removeAll(keepingCapacity: true)
        start = 0
        resynchronizing = false
    }

    /// Whether a BGP message header at `offset` of `bytes` is plausible: marker, length 19 to
    /// 65535, a known type (1 to 5).
    static func plausibleBGPHeader(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool? {
        guard bytes.count - offset >= BGPMessage.headerLength else { return nil }
        let header = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        guard (try? BGPMessage.announcedLength(header)) != nil else { return false }
        return (1...5).contains(header[18])
    }

    /// Whether a BMP common header at `offset` is plausible (and, when it is a route monitoring
    /// message, starts a plausible BGP header at +48). Nil when more bytes are needed to tell.
    static func plausibleBMPHeader(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool? {
        guard bytes.count - offset >= BMPMessage.commonHeaderLength else { return nil }
        let header = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        guard (try? BMPMessage.announcedLength(header)) != nil, header[5] <= 6 else { return false }
        guard header[5] == BMPMessageType.routeMonitoring.rawValue else { return true }
        return plausibleBGPHeader(bytes, at: offset + BMPMessage.perPeerMessageHeaderLength)
    }

    /// Hands on every whole message in the buffer, resynchronizing where needed.
    private mutating func frame(time: Timestamp, packet: Int) {
        buffer.withUnsafeBytes { raw in
            while true {
                if resynchronizing {
                    guard let found = resynchronizationPoint(raw) else {
                        // Keep what could still start a header; drop the rest.
                        let keep = kind == .bgp ? 15 : BMPMessage.perPeerMessageHeaderLength + 15
                        let drop = max(0, raw.count - start - keep)
                        skippedBytes += Int64(drop)
                        start += drop
                        return
                    }
                    skippedBytes += Int64(found - start)
                    start = found
                    resynchronizing = false
                }
                let plausible = kind == .bgp ? Self.plausibleBGPHeader(raw, at: start)
                    : Self.plausibleBMPHeader(raw, at: start)
                guard let plausible else { return }
                guard plausible else {
                    desynchronizations += 1
                    resynchronizing = true
                    continue
                }
                let header = UnsafeRawBufferPointer(rebasing: raw[start...])
                let length = (kind == .bgp ? try? BGPMessage.announcedLength(header)
                              : try? BMPMessage.announcedLength(header)) ?? 0
                guard raw.count - start >= length else { return }
                messageCount += 1
                handler(UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)]), time, packet)
                start += length
            }
        }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 4096 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }

    /// The first offset at or after `start` where a plausible message begins, or nil. (The header
    /// at `start` itself is checked again, so a header found implausible is never taken.)
    private func resynchronizationPoint(_ raw: UnsafeRawBufferPointer) -> Int? {
        var from = start
        while let marker = BGPMessage.firstMarker(in: raw, from: from) {
            switch kind {
            case .bgp:
                // Among a run of more than 16 ones, the marker is the last 16.
                var at = marker
                while at + 16 < raw.count && raw[at + 16] == 0xFF { at += 1 }
                switch Self.plausibleBGPHeader(raw, at: at) {
                case .some(true): return at
                case .none: return nil  // wait for the rest of the header
                case .some(false): from = at + 1
                }
            case .bmp:
                let candidate = marker - BMPMessage.perPeerMessageHeaderLength
                if candidate >= start, case .some(true) = Self.plausibleBMPHeader(raw, at: candidate) {
                    return candidate
                }
                if raw.count - marker < BGPMessage.headerLength { return nil }
                from = marker + 1
            }
        }
        return nil
    }
}

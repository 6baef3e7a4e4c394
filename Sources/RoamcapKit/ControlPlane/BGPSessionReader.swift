import CaptureFile
import PacketWire

/// One direction of a TCP connection: source address and port to destination address and port.
public struct TCPDirectionKey: Hashable, Sendable, CustomStringConvertible {
    public var source: IPAddress
    public var sourcePort: UInt16
    public var destination: IPAddress
    public var destinationPort: UInt16

    public init(source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16) {
        self.source = source
        self.sourcePort = sourcePort
        self.destination = destination
        self.destinationPort = destinationPort
    }

    /// The other direction of the same connection.
    public var reversed: TCPDirectionKey {
        TCPDirectionKey(source: destination, sourcePort: destinationPort, destination: source, destinationPort: sourcePort)
    }

    /// `192.0.2.1:179`, `[2001:db8::1]:179`.
    static func endpoint(_ address: IPAddress, _ port: UInt16) -> String {
        switch address {
        case .v4: "\(address):\(port)"
        case .v6: "[\(address)]:\(port)"
        }
    }

    /// The source endpoint as text.
    public var sourceText: String { Self.endpoint(source, sourcePort) }
    /// The destination endpoint as text.
    public var destinationText: String { Self.endpoint(destination, destinationPort) }

    /// `192.0.2.1:40000 -> 192.0.2.2:179`.
    public var description: String { "\(sourceText) -> \(destinationText)" }
}

/// The BMP peer a route monitoring message is about.
public struct BMPPeer: Hashable, Sendable {
    /// The peer's address.
    public var address: IPAddress
    /// The peer's AS number.
    public var autonomousSystem: UInt32
    /// The peer's BGP Identifier.
    public var identifier: IPv4Address
    /// The peer distinguisher.
    public var distinguisher: UInt64
    /// The peer flags (V, L, A, O).
    public var flags: UInt8
    /// When the monitored router received the routes (the per-peer header's timestamp).
    public var timestamp: Timestamp
}

/// A BGP message read from a capture, with what is needed to decode it.
public struct CapturedBGPMessage: Sendable {
    /// The capture time of the segment that completed the message.
    public var time: Timestamp
    /// The number of that packet in the time-ordered input.
    public var packet: Int
    /// The TCP direction that carried it.
    public var session: TCPDirectionKey
    /// Read from a BGP session or from a BMP feed.
    public var via: ControlPlaneProtocol
    /// The BGP message, header first.
    public var bytes: [UInt8]
    /// For BMP: the monitored peer that sent it.
    public var bmpPeer: BMPPeer?
    /// The AS number size, when the session's OPENs (or BMP's A flag) tell it; nil to guess.
    public var asNumberSize: Int?
    /// The families whose NLRI carry ADD-PATH path identifiers in this direction.
    public var addPathFamilies: Set<BGPAddressFamily>
    /// Whether the OPENs were captured, so `addPathFamilies` is known rather than to be guessed.
    public var addPathKnown: Bool
}

/// A gap in one direction of a BGP or BMP session.
public struct ControlPlaneGap: Sendable {
    public var time: Timestamp
    public var packet: Int
    public var session: TCPDirectionKey
    public var via: ControlPlaneProtocol
    /// The stream offset of the first byte lost and how many were lost.
    public var offset: Int64
    public var length: Int64
}

/// Settings of the control-plane reader.
public struct ControlPlaneSettings: Sendable {
    /// TCP ports carrying BGP.
    public var bgpPorts: [UInt16]
    /// TCP ports carrying BMP.
    public var bmpPorts: [UInt16]
    /// The out-of-order cap of each direction's reassembler.
    public var outOfOrderLimit: Int

    public init(bgpPorts: [UInt16] = [179], bmpPorts: [UInt16] = [BMPMessage.tcpPort],
                outOfOrderLimit: Int = TCPStreamReassembler.defaultOutOfOrderLimit) {
        self.bgpPorts = bgpPorts
        self.bmpPorts = bmpPorts
        self.outOfOrderLimit = outOfOrderLimit
    }
}

/// Reads BGP sessions and BMP feeds out of decoded frames (SPEC §8): each TCP direction on a
/// configured port is reassembled, cut into messages, and every BGP message (for BMP: the UPDATE
/// of every route monitoring message) is handed to `handler` with its session context.
///
/// Frames on other ports cost one bitset lookup and allocate nothing. IP fragments are not
/// reassembled (a BGP speaker sets DF); a fragmented segment is ignored.
public final class BGPSessionReader {
    public typealias Handler = (CapturedBGPMessage) -> Void

    /// A direction's reassembler and framer.
    final class Direction {
        var reassembler: TCPStreamReassembler
        var framer: BGPMessageFramer
        init(reassembler: TCPStreamReassembler, framer: BGPMessageFramer) {
            self.reassembler = reassembler
            self.framer = framer
        }
    }

    struct BMPPeerKey: Hashable {
        var session: TCPDirectionKey
        var address: IPAddress
        var distinguisher: UInt64
    }

    public let settings: ControlPlaneSettings
    /// One bit per TCP port: the configured BGP and BMP ports.
    private let bgpPortBits: [UInt64]
    private let bmpPortBits: [UInt64]
    private var directions: [TCPDirectionKey: Direction] = [:]
    private var opens: [TCPDirectionKey: BGPOpenHeader] = [:]
    private var bmpOpens: [BMPPeerKey: (sent: BGPOpenHeader, received: BGPOpenHeader)] = [:]
    private let handler: Handler

    /// Gaps met so far, in order.
    public private(set) var gaps: [ControlPlaneGap] = []
    /// Messages handed on, BGP messages seen (BMP's included), BMP messages seen.
    public private(set) var messageCount = 0
    public private(set) var bmpMessageCount = 0
    /// Messages that could not be read (a malformed BMP message or OPEN).
    public private(set) var malformedMessages = 0
    /// TCP segments taken on the configured ports.
    public private(set) var segmentCount = 0

    public init(settings: ControlPlaneSettings = ControlPlaneSettings(), handler: @escaping Handler) {
        self.settings = settings
        self.handler = handler
        func bits(_ ports: [UInt16]) -> [UInt64] {
            var bits = [UInt64](repeating: 0, count: 1024)
            for port in ports { bits[Int(port >> 6)] |= 1 << UInt64(port & 63) }
            return bits
        }
        bgpPortBits = bits(settings.bgpPorts)
        bmpPortBits = bits(settings.bmpPorts)
    }

    @inline(__always)
    private static func contains(_ bits: [UInt64], _ port: UInt16) -> Bool {
        bits[Int(port >> 6)] & (1 << UInt64(port & 63)) != 0
    }

    /// Takes one decoded frame (`bytes` as captured); anything but TCP on a configured port is ignored.
    @inline(__always)
    public func observe(_ decoded: DecodedPacket, bytes: UnsafeRawBufferPointer, time: Timestamp, packet: Int) {
        guard decoded.layers.contains(.tcp), !decoded.isFragment else { return }
        let kind: ControlPlaneProtocol
        if Self.contains(bgpPortBits, decoded.sourcePort) || Self.contains(bgpPortBits, decoded.destinationPort) {
            kind = .bgp
        } else if Self.contains(bmpPortBits, decoded.sourcePort) || Self.contains(bmpPortBits, decoded.destinationPort) {
            kind = .bmp
        } else {
            return
        }
        take(decoded, bytes: bytes, kind: kind, time: time, packet: packet)
    }

    private func take(_ decoded: DecodedPacket, bytes: UnsafeRawBufferPointer, kind: ControlPlaneProtocol,
                      time: Timestamp, packet: Int) {
        guard let source = decoded.sourceAddress, let destination = decoded.destinationAddress else { return }
        segmentCount += 1
        let key = TCPDirectionKey(source: source, sourcePort: decoded.sourcePort, destination: destination,
                                  destinationPort: decoded.destinationPort)
        let direction: Direction
        if let known = directions[key] {
            direction = known
        } else {
            let framer = BGPMessageFramer(kind: kind) { [unowned self] message, time, packet in
                self.handle(message, kind: kind, session: key, time: time, packet: packet)
            }
            direction = Direction(reassembler: TCPStreamReassembler(outOfOrderLimit: settings.outOfOrderLimit),
                                  framer: framer)
            directions[key] = direction
        }
        let start = min(decoded.payloadOffset, bytes.count)
        let end = min(max(start, decoded.payloadOffset + decoded.payloadLength), bytes.count)
        let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        // Payload bytes the IP header announces but the capture cut off (a snap length).
        let announcedEnd = decoded.networkOffset + decoded.ipLength
        let missing = max(0, announcedEnd - (decoded.payloadOffset + payload.count))
        let gapsBefore = direction.framer.gaps.count
        direction.reassembler.receive(sequence: decoded.sequenceNumber, flags: decoded.tcpFlags, payload: payload,
                                      missing: missing, time: time, packet: packet, into: &direction.framer)
        noteGaps(direction, since: gapsBefore, key: key, kind: kind)
    }

    private func noteGaps(_ direction: Direction, since count: Int, key: TCPDirectionKey, kind: ControlPlaneProtocol) {
        for gap in direction.framer.gaps[count...] {
            gaps.append(ControlPlaneGap(time: gap.time, packet: gap.packet, session: key, via: kind, offset: gap.offset,
                                        length: gap.length))
        }
    }

    /// Declares lost what is still held out of order in every direction and frames what follows.
    public func finish(time: Timestamp, packet: Int) {
        for key in directions.keys.sorted(by: { $0.description < $1.description }) {
            let direction = directions[key]!
            let gapsBefore = direction.framer.gaps.count
            direction.reassembler.finish(time: time, packet: packet, into: &direction.framer)
            noteGaps(direction, since: gapsBefore, key: key, kind: direction.framer.kind)
        }
    }

    /// Bytes dropped while resynchronizing, over every direction.
    public var skippedBytes: Int64 { directions.values.reduce(0) { $0 + $1.framer.skippedBytes } }

    private func handle(_ raw: UnsafeRawBufferPointer, kind: ControlPlaneProtocol, session: TCPDirectionKey,
                        time: Timestamp, packet: Int) {
        switch kind {
        case .bgp:
            guard let message = try? BGPMessage(raw) else { malformedMessages += 1; return }
            messageCount += 1
            if message.type == .open {
                guard let open = try? BGPOpenHeader(try BGPOpenMessage(message)) else { malformedMessages += 1; return }
                opens[session] = open
            }
            var asNumberSize: Int? = nil
            var addPath: Set<BGPAddressFamily> = []
            var known = false
            if let mine = opens[session], let theirs = opens[session.reversed] {
                asNumberSize = mine.fourOctetAS != nil && theirs.fourOctetAS != nil ? 4 : 2
                addPath = Self.addPathFamilies(sender: mine, receiver: theirs)
                known = true
            }
            handler(CapturedBGPMessage(time: time, packet: packet, session: session, via: .bgp, bytes: Array(raw),
                                       bmpPeer: nil, asNumberSize: asNumberSize, addPathFamilies: addPath,
                                       addPathKnown: known))
        case .bmp:
            bmpMessageCount += 1
            guard let message = try? BMPMessage(raw), let peer = message.perPeerHeader else { return }
            let peerKey = BMPPeerKey(session: session, address: peer.address, distinguisher: peer.distinguisher)
            switch message.type {
            case .peerUp:
                guard let up = try? message.peerUp,
                      let sent = try? BGPOpenHeader(try BGPOpenMessage(up.sentOpen)),
                      let received = try? BGPOpenHeader(try BGPOpenMessage(up.receivedOpen))
                else { malformedMessages += 1; return }
                bmpOpens[peerKey] = (sent, received)
            case .peerDown:
                bmpOpens[peerKey] = nil
            case .routeMonitoring:
                guard let update = try? message.routeMonitoringUpdate else { malformedMessages += 1; return }
                messageCount += 1
                var addPath: Set<BGPAddressFamily> = []
                if let known = bmpOpens[peerKey] {
                    // Routes the monitored router received: the peer sends, the router receives.
                    addPath = Self.addPathFamilies(sender: known.received, receiver: known.sent)
                }
                let seconds = Int64(peer.timestampSeconds)
                let nanoseconds = Int64(min(peer.timestampMicroseconds, 999_999)) * 1000
                let info = BMPPeer(address: peer.address, autonomousSystem: peer.autonomousSystem,
                                   identifier: peer.identifier, distinguisher: peer.distinguisher, flags: peer.flags,
                                   timestamp: Timestamp(seconds: seconds, carryingNanoseconds: nanoseconds))
                handler(CapturedBGPMessage(time: time, packet: packet, session: session, via: .bmp,
                                           bytes: Array(update.bytes), bmpPeer: info, asNumberSize: peer.asNumberSize,
                                           addPathFamilies: addPath, addPathKnown: bmpOpens[peerKey] != nil))
            default:
                break
            }
        }
    }

    /// The families for which `sender` sends path identifiers and `receiver` accepts them.
    static func addPathFamilies(sender: BGPOpenHeader, receiver: BGPOpenHeader) -> Set<BGPAddressFamily> {
        var families: Set<BGPAddressFamily> = []
        for entry in sender.addPath where entry.sends {
            if receiver.addPath.contains(where: { $0.family == entry.family && $0.receives }) {
                families.insert(entry.family)
            }
        }
        return families
    }
}

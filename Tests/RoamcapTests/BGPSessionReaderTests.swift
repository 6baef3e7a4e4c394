import CaptureFile
import PacketWire
import Testing

@testable import RoamcapKit

/// Builds BGP messages and raw IPv4/TCP frames for the session reader.
enum BGPWire {
    /// The bytes of `header` emitted.
    static func open(_ header: BGPOpenHeader) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: header.length)
        bytes.withUnsafeMutableBytes { try! header.emit(into: $0) }
        return bytes
    }

    /// One path attribute.
    static func attribute(_ flags: UInt8, _ type: UInt8, _ value: [UInt8]) -> [UInt8] {
        value.count > 255 ? [flags | 0x10, type, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
            : [flags, type, UInt8(value.count)] + value
    }

    /// The NLRI bytes of EVPN routes.
    static func nlri(_ routes: [EVPNRoute]) -> [UInt8] {
        var bytes: [UInt8] = []
        for route in routes {
            var one = [UInt8](repeating: 0, count: route.length)
            one.withUnsafeMutableBytes { try! route.emit(into: $0) }
            bytes += one
        }
        return bytes
    }

    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func be64(_ v: UInt64) -> [UInt8] { be32(UInt32(v >> 32)) + be32(UInt32(v & 0xFFFF_FFFF)) }

    /// An UPDATE with these path attributes (no withdrawn routes, no plain NLRI).
    static func update(_ attributes: [[UInt8]]) -> [UInt8] {
        let body = attributes.flatMap { $0 }
        let length = 23 + body.count
        return [UInt8](repeating: 0xFF, count: 16) + be16(length) + [2] + be16(0) + be16(body.count) + body
    }

    /// MP_REACH_NLRI for EVPN with an IPv4 next hop.
    static func reach(nextHop: IPv4Address, _ nlri: [UInt8]) -> [UInt8] {
        attribute(0x80, 14, be16(25) + [70, 4] + be32(nextHop.rawValue) + [0] + nlri)
    }

    /// A raw IPv4/TCP packet (link type raw IP).
    static func frame(from source: (IPv4Address, UInt16), to destination: (IPv4Address, UInt16), sequence: UInt32,
                      flags: TCPFlags = [.ack, .psh], payload: [UInt8] = []) -> [UInt8] {
        let tcp = TCPHeader(sourcePort: source.1, destinationPort: destination.1, sequenceNumber: sequence, flags: flags,
                            window: 65535)
        let ip = IPv4Header(sourceAddress: source.0, destinationAddress: destination.0, protocol: .tcp,
                            payloadLength: tcp.headerLength + payload.count)
        var bytes = [UInt8](repeating: 0, count: ip.headerLength + tcp.headerLength)
        bytes.withUnsafeMutableBytes { raw in
            try! ip.emit(into: raw)
            try! tcp.emit(into: UnsafeMutableRawBufferPointer(rebasing: raw[ip.headerLength...]))
        }
        return bytes + payload
    }
}

@Suite struct BGPSessionReaderTests {
    static let a = (IPv4Address(192, 0, 2, 1), UInt16(40000))
    static let b = (IPv4Address(192, 0, 2, 2), UInt16(179))

    /// Feeds frames numbered 1, 2, 3... one second apart and collects what comes out.
    static func read(_ frames: [[UInt8]], settings: ControlPlaneSettings = ControlPlaneSettings())
        -> (messages: [CapturedBGPMessage], reader: BGPSessionReader)
    {
        final class Box { var messages: [CapturedBGPMessage] = [] }
        let box = Box()
        let reader = BGPSessionReader(settings: settings) { box.messages.append($0) }
        let decoder = PacketDecoder(linkType: .raw)
        var decoded = DecodedPacket()
        for (index, frame) in frames.enumerated() {
            frame.withUnsafeBytes { raw in
                decoder.decode(raw, into: &decoded)
                reader.observe(decoded, bytes: raw, time: Timestamp(seconds: Int64(index + 1), nanoseconds: 0),
                               packet: index + 1)
            }
        }
        reader.finish(time: Timestamp(seconds: 99, nanoseconds: 0), packet: frames.count)
        return (box.messages, reader)
    }

    @Test func sessionContextFromTheOPENs() throws {
        // A announces ADD-PATH send for EVPN but no 4-octet AS; B announces both, receive only.
        let openA = BGPWire.open(BGPOpenHeader(myAutonomousSystem: 65001, holdTime: 90, identifier: IPv4Address(192, 0, 2, 1),
                                               families: [.evpn], addPath: [BGPAddPathFamily(family: .evpn, sendReceive: 2)]))
        let openB = BGPWire.open(BGPOpenHeader(myAutonomousSystem: 65002, holdTime: 90, identifier: IPv4Address(192, 0, 2, 2),
                                               fourOctetAS: 65002, families: [.evpn],
                                               addPath: [BGPAddPathFamily(family: .evpn, sendReceive: 1)]))
        let route = EVPNRoute(type: .macIPAdvertisement, routeDistinguisher: RouteDistinguisher("192.0.2.1:10")!, esi: .zero,
                              ethernetTag: 0, mac: MACAddress("02:00:00:00:00:07"), ip: IPAddress("10.0.0.7"),
                              label1: 10010, pathIdentifier: 7)
        // AS_PATH with 2-byte numbers: one AS_SEQUENCE of 65001 (A did not announce 4-octet ASNs).
        let update = BGPWire.update([
            BGPWire.reach(nextHop: IPv4Address(192, 0, 2, 1), BGPWire.nlri([route])),
            BGPWire.attribute(0x40, 1, [0]),
            BGPWire.attribute(0x40, 2, [2, 1, 0xFD, 0xE9]),
            BGPWire.attribute(0xC0, 16, BGPWire.be64(BGPExtendedCommunity.macMobility(sequence: 3, sticky: false).rawValue)
                              + BGPWire.be64(BGPExtendedCommunity.encapsulation(tunnelType: 8).rawValue)
                              + BGPWire.be64(BGPExtendedCommunity.routeTarget(type: 0, value: 65001 << 32 | 10).rawValue)),
        ])
        let keepalive = bgpMessage(length: 19, type: 4)
        let (a, b) = (Self.a, Self.b)
        let frames = [
            BGPWire.frame(from: a, to: b, sequence: 1000, flags: [.syn]),
            BGPWire.frame(from: b, to: a, sequence: 5000, flags: [.syn, .ack]),
            BGPWire.frame(from: a, to: b, sequence: 1001, payload: openA),
            BGPWire.frame(from: b, to: a, sequence: 5001, payload: openB + keepalive),
            // The UPDATE in two segments, the second captured first, then the first retransmitted.
            BGPWire.frame(from: a, to: b, sequence: 1001 + UInt32(openA.count) + 30, payload: Array(update[30...])),
            BGPWire.frame(from: a, to: b, sequence: 1001 + UInt32(openA.count), payload: Array(update[..<30])),
            BGPWire.frame(from: a, to: b, sequence: 1001 + UInt32(openA.count), payload: Array(update[..<30])),
        ]
        let (messages, reader) = Self.read(frames)
        #expect(messages.map { $0.bytes[18] } == [1, 1, 4, 2])
        #expect(reader.gaps.isEmpty)
        let carried = messages[3]
        #expect(carried.packet == 6 && carried.time == Timestamp(seconds: 6, nanoseconds: 0))
        #expect(carried.session.description == "192.0.2.1:40000 -> 192.0.2.2:179")
        #expect(carried.asNumberSize == 2)
        #expect(carried.addPathKnown && carried.addPathFamilies == [.evpn])
        let (routes, problem) = BGPUpdateDecoder.routes(of: carried)
        #expect(problem == nil)
        let record = try #require(routes.first)
        #expect(routes.count == 1)
        #expect(record.evpn == route)
        #expect(record.attributes.asPath?.description == "65001")
        #expect(record.attributes.sequence == 3 && !record.attributes.sticky)
        #expect(record.attributes.routeTargets == ["65001:10"])
        #expect(record.vni == 10010)
        let json = record.json.rendered()
        #expect(json.contains("\"mac\":\"02:00:00:00:00:07\",\"ip\":\"10.0.0.7\""))
        #expect(json.contains("\"labels\":[],\"vni\":10010,\"vni2\":null,\"pathId\":7,\"nextHop\":\"192.0.2.1\",\"seq\":3,\"sticky\":false"))
        // B → A: B does not send path identifiers.
        #expect(messages[1].addPathKnown && messages[1].addPathFamilies.isEmpty)
    }

    @Test func lostSegmentResynchronizesAtTheNextMarker() throws {
        let route = EVPNRoute(type: .inclusiveMulticast, routeDistinguisher: RouteDistinguisher("192.0.2.1:10")!, ethernetTag: 0,
                              ip: IPAddress("192.0.2.1"))
        let update = BGPWire.update([BGPWire.reach(nextHop: IPv4Address(192, 0, 2, 1), BGPWire.nlri([route])),
                                     BGPWire.attribute(0x40, 1, [0])])
        let (a, b) = (Self.a, Self.b)
        let length = UInt32(update.count)
        // Mid-stream capture (no SYN): UPDATE 1 whole, UPDATE 2 in three segments (the middle one
        // lost), UPDATE 3 whole.
        let frames = [
            BGPWire.frame(from: a, to: b, sequence: 70_000, payload: update),
            BGPWire.frame(from: a, to: b, sequence: 70_000 + length, payload: Array(update[..<20])),
            BGPWire.frame(from: a, to: b, sequence: 70_000 + length + 40, payload: Array(update[40...])),
            BGPWire.frame(from: a, to: b, sequence: 70_000 + 2 * length, payload: update),
        ]
        let (messages, reader) = Self.read(frames)
        #expect(messages.map(\.packet) == [1, 4])
        #expect(reader.gaps.count == 1)
        #expect(reader.gaps.first?.offset == Int64(length) + 20 && reader.gaps.first?.length == 20)
        #expect(reader.gaps.first?.packet == 4)
        // Without OPENs, the 2-byte AS_PATH is guessed and no path identifiers are expected.
        #expect(messages.allSatisfy { $0.asNumberSize == nil && !$0.addPathKnown })
        #expect(BGPUpdateDecoder.routes(of: messages[1]).routes.first?.evpn == route)
    }

    @Test func snapLengthTruncatedSegmentsAreGaps() throws {
        // A capture with a snap length of 60 bytes: the first UPDATE's frame is cut (40 bytes of
        // IP and TCP headers, 20 of payload); the second frame is whole.
        let route = EVPNRoute(type: .inclusiveMulticast, routeDistinguisher: RouteDistinguisher("192.0.2.1:10")!, ethernetTag: 0,
                              ip: IPAddress("192.0.2.1"))
        let update = BGPWire.update([BGPWire.reach(nextHop: IPv4Address(192, 0, 2, 1), BGPWire.nlri([route]))])
        let (a, b) = (Self.a, Self.b)
        let frames = [
            Array(BGPWire.frame(from: a, to: b, sequence: 10, payload: update).prefix(60)),
            BGPWire.frame(from: a, to: b, sequence: 10 + UInt32(update.count), payload: update),
        ]
        let (messages, reader) = Self.read(frames)
        #expect(reader.gaps.count == 1)
        #expect(reader.gaps.first?.offset == 20 && reader.gaps.first?.length == Int64(update.count - 20))
        #expect(reader.gaps.first?.packet == 1)
        // The second UPDATE counts at its own packet, not at the end of the input.
        #expect(messages.map(\.packet) == [2])
        #expect(BGPUpdateDecoder.routes(of: messages[0]).routes.first?.evpn == route)
    }

    @Test func aMalformedPartHidesNothingElse() throws {
        // MP_UNREACH_NLRI with a type-2 route of 34 bytes (no type-2 form has that length), a
        // NEXT_HOP of 3 bytes, then a good MP_REACH_NLRI: the advertisement is still listed.
        let good = EVPNRoute(type: .inclusiveMulticast, routeDistinguisher: RouteDistinguisher("192.0.2.1:10")!,
                             ethernetTag: 0, ip: IPAddress("192.0.2.1"))
        var bad = [UInt8](repeating: 0, count: 34)
        bad[22] = 48
        let update = BGPWire.update([
            BGPWire.attribute(0x80, 15, BGPWire.be16(25) + [70, 2, 34] + bad),
            BGPWire.attribute(0x40, 3, [1, 2, 3]),
            BGPWire.reach(nextHop: IPv4Address(192, 0, 2, 1), BGPWire.nlri([good])),
        ])
        let message = update.withUnsafeBytes { BGPCommandTests.message($0, packet: 1, asNumberSize: 4) }
        let (routes, problem) = BGPUpdateDecoder.routes(of: message)
        #expect(routes.map(\.evpn) == [good])
        #expect(routes.first?.action == .advertise && routes.first?.attributes.nextHop == IPAddress("192.0.2.1"))
        #expect(problem?.error.kind == .invalidField)
    }

    @Test func otherPortsAreIgnored() {
        let (a, b) = (Self.a, (IPv4Address(192, 0, 2, 2), UInt16(80)))
        let frames = [BGPWire.frame(from: a, to: b, sequence: 1, payload: bgpMessage(length: 19, type: 4))]
        let (messages, reader) = Self.read(frames)
        #expect(messages.isEmpty && reader.segmentCount == 0)
        // The same frame on a configured port is read.
        let (more, _) = Self.read(frames, settings: ControlPlaneSettings(bgpPorts: [80]))
        #expect(more.count == 1)
    }
}

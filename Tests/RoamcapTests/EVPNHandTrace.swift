import CaptureFile
import PacketWire

@testable import RoamcapKit

/// `HandScenario` (FabricTests.swift) with its control plane captured: a SPAN of the route
/// reflector (192.0.2.100:179) on a fifth interface `rr-span` that no port claims, carrying three
/// real TCP sessions (SYN, then data) from A's ED (192.0.2.1:40001), B's (192.0.2.2:40002) and
/// C's (192.0.2.3:40003).
///
/// The topology gives A next hop 192.0.2.1, B 192.0.2.2, C 192.0.2.3, and VNI 10010 → VLAN 0
/// (the hand scenario's frames are untagged). Control-plane frames, by time:
///
///     ms    from  what
///     50    A     SYN
///     60    C     SYN
///     70    B     SYN
///     500   A     first 30 bytes of UPDATE 1: M (02:00:00:00:00:07, 10.0.0.7), a (…:01, 10.0.0.1)
///                 and d (…:04, 10.0.0.4), RD 192.0.2.1:10, VNI 10010 (VXLAN), no MAC Mobility
///     550   A     the rest of UPDATE 1: the message counts here
///     600   A     UPDATE 2: 02:00:00:00:00:55, next hop 198.51.100.9 (no site), RD 198.51.100.9:10
///     700   B     UPDATE B: b (…:02, 10.0.0.2), RD 192.0.2.2:10, next hop 192.0.2.2
///     6200  C     UPDATE 3: M, RD 192.0.2.3:10, MAC Mobility seq 1 (`sequenceOfC`), next hop 192.0.2.3
///     6300  C     UPDATE 3 again (a repeat of the route as it stands)
///     6600  A     UPDATE 4: withdraws A's route for M
///
/// Merged with the 15 data frames (ms 0 … 9000), the packet numbers are:
///
///     1: 0 data      2: 50 SYN A     3: 60 SYN C     4: 70 SYN B  5: 100       6: 200
///     7: 300         8: 500 A part   9: 550 A rest   10: 600 A    11: 700 B    12: 3000
///     13: 3100       14: 4000        15: 4500        16: 5000 M garp at C (the migration)
///     17: 5500       18: 6000        19: 6200 C      20: 6300 C   21: 6500 data
///     22: 6600 A withdraw            23: 7500        24: 8000     25: 9000
enum EVPNHandTrace {
    static let m = HandScenario.m
    static let rr = (IPv4Address(192, 0, 2, 100), UInt16(179))
    static let edA = (IPv4Address(192, 0, 2, 1), UInt16(40001))
    static let edB = (IPv4Address(192, 0, 2, 2), UInt16(40002))
    static let edC = (IPv4Address(192, 0, 2, 3), UInt16(40003))
    static let unclaimedMAC = MACAddress(0x02, 0, 0, 0, 0, 0x55)

    static let topology = """
        sites:
          A: { ports: { p1: "A-p1", p2: "A-p2" }, evpn: { next-hops: [192.0.2.1] } }
          B: { ports: { p1: "B-p1" }, evpn: { next-hops: [192.0.2.2] } }
          C: { ports: { p1: "C-p1" }, evpn: { next-hops: [192.0.2.3], route-distinguishers: ["192.0.2.3:*"] } }
        control-plane: { advertise-delay: 2s, aging: 300s, unknown-unicast: flood }
        evpn-vnis: { 10010: 0 }

        """

    static func route(_ mac: MACAddress, ip: String, rd: String) -> EVPNRoute {
        EVPNRoute(type: .macIPAdvertisement, routeDistinguisher: RouteDistinguisher(rd)!, esi: .zero, ethernetTag: 0,
                  mac: mac, ip: IPAddress(ip), label1: 10010)
    }

    static func communities(_ list: [BGPExtendedCommunity]) -> [UInt8] {
        BGPWire.attribute(0xC0, 16, list.flatMap { BGPWire.be64($0.rawValue) })
    }

    /// An UPDATE advertising `routes` from `nextHop`, with VXLAN encapsulation and, when given, MAC Mobility.
    static func advertise(_ routes: [EVPNRoute], nextHop: IPv4Address, sequence: UInt32? = nil) -> [UInt8] {
        var list: [BGPExtendedCommunity] = [.encapsulation(tunnelType: 8)]
        if let sequence { list.append(.macMobility(sequence: sequence, sticky: false)) }
        return BGPWire.update([BGPWire.reach(nextHop: nextHop, BGPWire.nlri(routes)), BGPWire.attribute(0x40, 1, [0]),
                               BGPWire.attribute(0x40, 2, []), communities(list)])
    }

    static func withdraw(_ routes: [EVPNRoute]) -> [UInt8] {
        BGPWire.update([BGPWire.attribute(0x80, 15, BGPWire.be16(25) + [70] + BGPWire.nlri(routes))])
    }

    /// An Ethernet frame around `BGPWire.frame`.
    static func ethernet(_ ip: [UInt8]) -> [UInt8] {
        HandScenario.emit(14) {
            try EthernetHeader(destinationAddress: MACAddress(0x02, 0xEE, 0, 0, 0, 1), sourceAddress: MACAddress(0x02, 0xEE, 0, 0, 0, 2),
                               etherType: .ipv4).emit(into: $0)
        } + ip
    }

    /// The control-plane frames: (ms, bytes).
    static func controlFrames(sequenceOfC: UInt32? = 1) -> [(Int64, [UInt8])] {
        let update1 = advertise([route(m, ip: "10.0.0.7", rd: "192.0.2.1:10"),
                                 route(HandScenario.a, ip: "10.0.0.1", rd: "192.0.2.1:10"),
                                 route(HandScenario.d, ip: "10.0.0.4", rd: "192.0.2.1:10")],
                                nextHop: IPv4Address(192, 0, 2, 1))
        let updateB = advertise([route(HandScenario.b, ip: "10.0.0.2", rd: "192.0.2.2:10")], nextHop: IPv4Address(192, 0, 2, 2))
        let update2 = advertise([route(unclaimedMAC, ip: "10.0.0.55", rd: "198.51.100.9:10")],
                                nextHop: IPv4Address(198, 51, 100, 9))
        let update3 = advertise([route(m, ip: "10.0.0.7", rd: "192.0.2.3:10")], nextHop: IPv4Address(192, 0, 2, 3),
                                sequence: sequenceOfC)
        let update4 = withdraw([route(m, ip: "10.0.0.7", rd: "192.0.2.1:10")])
        var seqA: UInt32 = 1001, seqC: UInt32 = 5001
        func a(_ payload: [UInt8]) -> [UInt8] {
            defer { seqA += UInt32(payload.count) }
            return ethernet(BGPWire.frame(from: edA, to: rr, sequence: seqA, payload: payload))
        }
        func c(_ payload: [UInt8]) -> [UInt8] {
            defer { seqC += UInt32(payload.count) }
            return ethernet(BGPWire.frame(from: edC, to: rr, sequence: seqC, payload: payload))
        }
        return [
            (50, ethernet(BGPWire.frame(from: edA, to: rr, sequence: 1000, flags: [.syn]))),
            (60, ethernet(BGPWire.frame(from: edC, to: rr, sequence: 5000, flags: [.syn]))),
            (70, ethernet(BGPWire.frame(from: edB, to: rr, sequence: 3000, flags: [.syn]))),
            (500, a(Array(update1[..<30]))), (550, a(Array(update1[30...]))), (600, a(update2)),
            (700, ethernet(BGPWire.frame(from: edB, to: rr, sequence: 3001, payload: updateB))),
            (6200, c(update3)), (6300, c(update3)), (6600, a(update4)),
        ]
    }

    /// Writes the trace and the topology into `dir`.
    static func write(into dir: String, sequenceOfC: UInt32? = 1) throws -> (trace: String, topology: String) {
        var frames: [(Int64, Int, [UInt8])] = HandScenario.frames.enumerated().map { i, frame in
            (frame.0, frame.1, HandScenario.bytes(frame.2, frame.3, index: i + 1))
        }
        frames += controlFrames(sequenceOfC: sequenceOfC).map { ($0.0, 4, $0.1) }
        // Stable: at equal times the data frame (listed first) stays first.
        frames = frames.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
        let trace = dir + "/evpn-hand.pcapng"
        let writer = TraceWriter(output: try OutputFile(path: trace, force: true), format: .pcapng)
        try writer.beginSection(SectionHeader())
        for name in HandScenario.interfaces + ["rr-span"] {
            _ = try writer.addInterface(InterfaceDescription(
                linkType: 1, snapLength: 262_144,
                options: [BlockOption(code: InterfaceDescription.OptionCode.name, string: name),
                          BlockOption(code: InterfaceDescription.OptionCode.timestampResolution, value: [9])],
                timestampResolution: 9))
        }
        for (i, (ms, interface, data)) in frames.enumerated() {
            var failure: CaptureError?
            data.withUnsafeBytes { raw in
                let packet = Packet(timestamp: HandScenario.start.adding(nanoseconds: ms * 1_000_000), interface: interface,
                                    originalLength: raw.count, data: raw, number: i + 1)
                do { try writer.write(packet, interfaceID: interface, keepTicks: false) } catch let error as CaptureError {
                    failure = error
                } catch { fatalError("\(error)") }
            }
            if let failure { throw failure }
        }
        try writer.finish()
        let topologyPath = dir + "/evpn-hand.topology.yaml"
        TestSupport.writeFile(topologyPath, Array(topology.utf8))
        return (trace, topologyPath)
    }
}

import CaptureFile
import PacketWire
import RoamcapKit
import Testing

/// Hand-built traces for `roamcap flows`: one frame per line of a small script, with its time.
enum FlowTrace {
    static let client = "10.0.0.1", server = "10.0.0.2", router = "10.0.0.254"
    static let clientMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x01], serverMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x02]

    struct TCPFlags: OptionSet {
        let rawValue: UInt8
        static let fin = TCPFlags(rawValue: 1), syn = TCPFlags(rawValue: 2), rst = TCPFlags(rawValue: 4)
        static let psh = TCPFlags(rawValue: 8), ack = TCPFlags(rawValue: 16)
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    static func ether(from source: [UInt8], to destination: [UInt8], type: Int, _ payload: [UInt8]) -> [UInt8] {
        var frame = destination + source + NATFixture.be16(type) + payload
        if frame.count < 60 { frame += [UInt8](repeating: 0, count: 60 - frame.count) }
        return frame
    }

    /// A TCP segment between the client (forward) and the server, IPv4 identification `id`.
    static func tcp(forward: Bool, _ flags: TCPFlags, seq: UInt32, ack: UInt32, payload: Int = 0, id: Int = 0,
                    window: Int = 1000) -> [UInt8] {
        let (s, d) = forward ? (client, server) : (server, client)
        let (sp, dp) = forward ? (40000, 80) : (80, 40000)
        let segment = NATFixture.be16(sp) + NATFixture.be16(dp) + be32(seq) + be32(ack)
            + [0x50, flags.rawValue] + NATFixture.be16(window) + [0, 0, 0, 0] + [UInt8](repeating: 0x61, count: payload)
        return ether(from: forward ? clientMAC : serverMAC, to: forward ? serverMAC : clientMAC, type: 0x0800,
                     NATFixture.ipv4(s, d, proto: 6, payload: segment, id: id))
    }

    /// A UDP datagram client:5353 → server:53 (forward) or back.
    static func udp(forward: Bool, payload: Int = 4) -> [UInt8] {
        let (s, d) = forward ? (client, server) : (server, client)
        let u = NATFixture.udp({ NATFixture.pseudo4(s, d, 17, $0) }, sport: forward ? 5353 : 53, dport: forward ? 53 : 5353,
                               payload: [UInt8](repeating: 7, count: payload))
        return ether(from: forward ? clientMAC : serverMAC, to: forward ? serverMAC : clientMAC, type: 0x0800,
                     NATFixture.ipv4(s, d, proto: 17, payload: u))
    }

    /// ICMP destination unreachable (port) from the server quoting a client → server datagram.
    static func portUnreachable() -> [UInt8] {
        let quoted = Array(udp(forward: true)[14..<(14 + 20 + 8)])
        var icmp: [UInt8] = [3, 3, 0, 0, 0, 0, 0, 0] + quoted
        let c = NATFixture.checksum(icmp)
        icmp[2] = UInt8(c >> 8); icmp[3] = UInt8(c & 0xFF)
        return ether(from: serverMAC, to: clientMAC, type: 0x0800, NATFixture.ipv4(server, client, proto: 1, payload: icmp))
    }

    /// An ARP request from the client for `target`, or the server's reply to the client.
    static func arp(request: Bool, target: String = server) -> [UInt8] {
        if request {
            return ether(from: clientMAC, to: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], type: 0x0806,
                         [0, 1, 8, 0, 6, 4, 0, 1] + clientMAC + NATFixture.v4(client) + [0, 0, 0, 0, 0, 0] + NATFixture.v4(target))
        }
        return ether(from: serverMAC, to: clientMAC, type: 0x0806,
                     [0, 1, 8, 0, 6, 4, 0, 2] + serverMAC + NATFixture.v4(server) + clientMAC + NATFixture.v4(client))
    }

    /// Writes (seconds after the base time, frame) as an Ethernet pcap with nanosecond times.
    static func write(_ path: String, _ frames: [(Double, [UInt8])]) throws {
        let output = try OutputFile(path: path, force: true)
        let writer = try PcapWriter(output: output, linkType: 1, snapLength: 65535, nanosecond: true)
        for (t, f) in frames {
            let ns = Int64((t * 1e9).rounded())
            try f.withUnsafeBytes {
                try writer.write(timestamp: Timestamp(seconds: SampleTraces.base, carryingNanoseconds: ns),
                                 originalLength: f.count, data: $0)
            }
        }
        try output.commit()
    }

    /// Writes the frames to a temporary trace and analyzes it.
    static func analyze(_ frames: [(Double, [UInt8])], settings: FlowSettings = FlowSettings()) throws -> FlowAnalysis {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try write(dir + "/t.pcap", frames)
        return try analyzeFlows(inputs: [dir + "/t.pcap"], topology: nil, settings: settings)
    }

    static func time(_ seconds: Double) -> Timestamp {
        Timestamp(seconds: SampleTraces.base, carryingNanoseconds: Int64((seconds * 1e9).rounded()))
    }

    /// A handshake at 0, 0.001, 0.002 (client ISN 100, server ISN 500).
    static let handshake: [(Double, [UInt8])] = [
        (0, tcp(forward: true, .syn, seq: 100, ack: 0)),
        (0.001, tcp(forward: false, [.syn, .ack], seq: 500, ack: 101)),
        (0.002, tcp(forward: true, .ack, seq: 101, ack: 501)),
    ]
}

@Suite struct FlowKeyTests {
    @Test func keysAreTheSameInBothDirections() {
        let a = IPAddress("10.0.0.1")!.description, b = "10.0.0.2"
        func key(_ s: String, _ sp: UInt16, _ d: String, _ dp: UInt16, vlan: UInt16 = 10) -> (key: FlowKey, fromB: Bool) {
            let source = IPAddress(s)!, destination = IPAddress(d)!
            func halves(_ x: IPAddress) -> (high: UInt64, low: UInt64) {
                switch x {
                case .v4(let v): (0, UInt64(v.rawValue))
                case .v6(let v): (v.high, v.low)
                }
            }
            return FlowKey.make(family: s.contains(":") ? .ipv6 : .ipv4, ipProtocol: 6, segment: Segment(vlan: vlan),
                                source: halves(source), sourcePort: sp, destination: halves(destination),
                                destinationPort: dp)
        }
        let forward = key(a, 40000, b, 80), backward = key(b, 80, a, 40000)
        #expect(forward.key == backward.key)
        #expect(forward.key.hashValue == backward.key.hashValue)
        #expect(forward.fromB != backward.fromB)
        #expect(forward.key.addressA == IPAddress(a) && forward.key.addressB == IPAddress(b))
        // IPv6, and equal addresses ordered by port.
        let six = key("fd00::2", 53, "fd00::1", 5353), sixBack = key("fd00::1", 5353, "fd00::2", 53)
        #expect(six.key == sixBack.key && six.fromB && !sixBack.fromB)
        let same = key(a, 2000, a, 1000), sameBack = key(a, 1000, a, 2000)
        #expect(same.key == sameBack.key && same.fromB != sameBack.fromB)
        // The segment and the ports are part of the key.
        #expect(key(a, 40000, b, 80, vlan: 11).key != forward.key)
        #expect(key(a, 40001, b, 80).key != forward.key)
        #expect(MemoryLayout<FlowKey>.size <= 48)
    }
}

@Suite struct FlowTCPTests {
    typealias T = FlowTrace

    @Test func handshakeAndTeardownIsSF() throws {
        let frames = T.handshake + [
            (0.010, T.tcp(forward: true, [.ack, .psh], seq: 101, ack: 501, payload: 100, id: 1)),
            (0.011, T.tcp(forward: false, .ack, seq: 501, ack: 201)),
            (0.020, T.tcp(forward: false, [.ack, .psh], seq: 501, ack: 201, payload: 300, id: 2)),
            (0.021, T.tcp(forward: true, .ack, seq: 201, ack: 801)),
            (0.030, T.tcp(forward: true, [.fin, .ack], seq: 201, ack: 801)),
            (0.031, T.tcp(forward: false, [.fin, .ack], seq: 801, ack: 202)),
            (0.032, T.tcp(forward: true, .ack, seq: 202, ack: 802)),
        ]
        let result = try T.analyze(frames)
        #expect(result.flows.count == 1)
        let flow = try #require(result.flows.first)
        #expect(flow.flow.connectionState == "SF")
        #expect(flow.source == IPAddress(T.client) && flow.sourcePort == 40000)
        #expect(flow.destination == IPAddress(T.server) && flow.destinationPort == 80)
        #expect(flow.flow.packets == 10 && flow.flow.originator.packets == 6 && flow.flow.responder.packets == 4)
        #expect(flow.flow.bytes == frames.reduce(0) { $0 + $1.1.count })
        #expect(flow.flow.first == T.time(0) && flow.flow.last == T.time(0.032))
        #expect(flow.lost == 0 && flow.flow.outages.isEmpty)
    }

    /// The SYN-ACK first (the capture missed the SYN): the initiator is still the client.
    @Test func initiatorIsTheSYNSender() throws {
        let result = try T.analyze(Array(T.handshake.dropFirst()))
        let flow = try #require(result.flows.first)
        #expect(flow.source == IPAddress(T.client) && flow.destinationPort == 80)
        #expect(flow.flow.connectionState == "OTH")
    }

    @Test func unansweredSYNIsS0WithAnOutage() throws {
        let frames: [(Double, [UInt8])] = [
            (0, T.tcp(forward: true, .syn, seq: 100, ack: 0)),
            (1, T.tcp(forward: true, .syn, seq: 100, ack: 0)),
            (3, T.tcp(forward: true, .syn, seq: 100, ack: 0)),
            (10, T.udp(forward: true)),  // the capture goes on
        ]
        let result = try T.analyze(frames)
        let flow = try #require(result.flows.first { $0.protocolName == "tcp" })
        #expect(flow.flow.connectionState == "S0")
        #expect(flow.flow.outages == [FlowOutage(start: T.time(0), end: T.time(3), frames: 3, cause: .unansweredSYN, fromB: flow.flow.initiatorIsB)])
        #expect(flow.lost == 3)
        #expect(flow.direction(flow.flow.outages[0]) == "forward")
        // Worst first: the TCP flow before the UDP one.
        #expect(result.flows.first?.protocolName == "tcp")
    }

    @Test func synAnsweredAfterRetriesAndRejectedConnections() throws {
        let retried: [(Double, [UInt8])] = [
            (0, T.tcp(forward: true, .syn, seq: 100, ack: 0)),
            (1, T.tcp(forward: true, .syn, seq: 100, ack: 0)),
            (1.001, T.tcp(forward: false, [.syn, .ack], seq: 500, ack: 101)),
            (1.002, T.tcp(forward: true, .ack, seq: 101, ack: 501)),
        ]
        let flow = try #require(try T.analyze(retried).flows.first)
        #expect(flow.flow.connectionState == "S1")
        #expect(flow.flow.outages.map(\.cause) == [.unansweredSYN] && flow.flow.outages[0].frames == 1 && flow.lost == 1)
        #expect(flow.flow.outages[0].end == T.time(1.001))

        let rejected = try T.analyze([(0, T.tcp(forward: true, .syn, seq: 100, ack: 0)),
                                      (0.001, T.tcp(forward: false, [.rst, .ack], seq: 0, ack: 101))])
        #expect(rejected.flows.first?.flow.connectionState == "REJ")
        #expect(rejected.flows.first?.flow.outages.isEmpty == true)

        let reset = try T.analyze(T.handshake + [(0.01, T.tcp(forward: false, [.rst, .ack], seq: 501, ack: 101))])
        #expect(reset.flows.first?.flow.connectionState == "RSTR")
        let aborted = try T.analyze(T.handshake + [(0.01, T.tcp(forward: true, .rst, seq: 101, ack: 0))])
        #expect(aborted.flows.first?.flow.connectionState == "RSTO")
    }

    /// A segment sent again 300 ms later is a retransmission; the same segment captured twice
    /// (same IPv4 identification) and a segment 1 ms late (out of order) are not.
    @Test func retransmissionsAreDetected() throws {
        let frames = T.handshake + [
            (0.010, T.tcp(forward: true, [.ack, .psh], seq: 101, ack: 501, payload: 100, id: 7)),
            (0.0101, T.tcp(forward: true, [.ack, .psh], seq: 101, ack: 501, payload: 100, id: 7)),  // tap copy
            (0.011, T.tcp(forward: true, [.ack, .psh], seq: 301, ack: 501, payload: 100, id: 9)),
            (0.012, T.tcp(forward: true, [.ack, .psh], seq: 201, ack: 501, payload: 100, id: 8)),  // out of order
            (0.013, T.tcp(forward: false, .ack, seq: 501, ack: 401)),
            (0.020, T.tcp(forward: true, [.ack, .psh], seq: 401, ack: 501, payload: 100, id: 10)),
            (0.320, T.tcp(forward: true, [.ack, .psh], seq: 401, ack: 501, payload: 100, id: 11)),  // RTO
            (0.321, T.tcp(forward: false, .ack, seq: 501, ack: 501)),
        ]
        let flow = try #require(try T.analyze(frames).flows.first)
        #expect(flow.flow.originator.retransmissions == 1)
        #expect(flow.flow.originator.duplicateCopies == 1)
        #expect(flow.flow.originator.outOfOrder == 1)
        #expect(flow.flow.outages == [FlowOutage(start: T.time(0.320), end: T.time(0.320), frames: 1, cause: .retransmission,
                                                 fromB: flow.flow.initiatorIsB)])
        #expect(flow.lost == 1)
        #expect(flow.json(Topology(sites: [])).rendered().contains("\"retransmissions\":1"))
    }

    /// Three duplicate ACKs while data is outstanding, then the fast retransmission.
    @Test func duplicateACKsAndFastRetransmission() throws {
        var frames = T.handshake
        for k in 0..<5 {
            frames.append((0.010 + Double(k) * 0.0001,
                           T.tcp(forward: true, .ack, seq: 101 + UInt32(k) * 100, ack: 501, payload: 100, id: 20 + k)))
        }
        frames.append((0.011, T.tcp(forward: false, .ack, seq: 501, ack: 201)))  // 201..<301 is lost
        for k in 0..<3 { frames.append((0.0111 + Double(k) * 0.0001, T.tcp(forward: false, .ack, seq: 501, ack: 201))) }
        frames.append((0.0115, T.tcp(forward: true, .ack, seq: 201, ack: 501, payload: 100, id: 40)))
        frames.append((0.012, T.tcp(forward: false, .ack, seq: 501, ack: 601)))
        let flow = try #require(try T.analyze(frames).flows.first)
        #expect(flow.flow.responder.duplicateACKs == 3)
        #expect(flow.flow.originator.retransmissions == 1)
        let causes = flow.flow.outages.map { "\($0.cause.rawValue):\($0.frames):\(flow.direction($0))" }
        #expect(causes == ["duplicate-ack:3:forward", "retransmission:1:forward"])
        #expect(flow.lost == 1)  // duplicate ACKs are not losses
    }

    /// A port reused after a closed connection is a new flow.
    @Test func reusedPortsStartANewFlow() throws {
        let first = T.handshake + [
            (0.01, T.tcp(forward: true, [.fin, .ack], seq: 101, ack: 501)),
            (0.011, T.tcp(forward: false, [.fin, .ack], seq: 501, ack: 102)),
            (0.012, T.tcp(forward: true, .ack, seq: 102, ack: 502)),
        ]
        let second: [(Double, [UInt8])] = [
            (5, T.tcp(forward: true, .syn, seq: 9000, ack: 0)),
            (5.001, T.tcp(forward: false, [.syn, .ack], seq: 7000, ack: 9001)),
        ]
        let result = try T.analyze(first + second)
        #expect(result.flows.map(\.flow.connectionState) == ["SF", "S1"])
        #expect(result.flows.map(\.flow.packets) == [6, 2])
    }
}

@Suite struct FlowInferenceTests {
    typealias T = FlowTrace

    @Test func icmpUnreachableIsAttributedToTheFlowItQuotes() throws {
        let frames: [(Double, [UInt8])] = [
            (0, T.udp(forward: true)), (0.001, T.udp(forward: false)),
            (1, T.udp(forward: true)), (1.001, T.portUnreachable()),
        ]
        let result = try T.analyze(frames)
        let udp = try #require(result.flows.first { $0.protocolName == "udp" })
        #expect(udp.flow.outages.map(\.cause) == [.icmpUnreachable])
        #expect(udp.direction(udp.flow.outages[0]) == "forward")
        #expect(udp.flow.icmpUnreachables == 1 && udp.lost == 1)
        #expect(udp.flow.packets == 3 && udp.flow.connectionState == "two-way")
        // The error is also a flow of its own, as in Zeek.
        let icmp = try #require(result.flows.first { $0.protocolName == "icmp" })
        #expect(icmp.source == IPAddress(T.server) && icmp.flow.connectionState == "one-way")
        #expect(icmp.json(Topology(sites: [])).rendered().contains("\"sport\"") == false)
    }

    @Test func unansweredARPRequests() throws {
        let frames: [(Double, [UInt8])] = [
            (0, T.arp(request: true)), (1, T.arp(request: true)), (2, T.arp(request: true)),
            (2.001, T.arp(request: false)),
            (3, T.arp(request: true, target: "10.0.0.3")), (4, T.arp(request: true, target: "10.0.0.3")),
            (10, T.udp(forward: true)),
        ]
        let result = try T.analyze(frames)
        let answered = try #require(result.flows.first { $0.protocolName == "arp" && $0.destination == IPAddress(T.server) })
        #expect(answered.flow.outages == [FlowOutage(start: T.time(0), end: T.time(2.001), frames: 2, cause: .unansweredARP,
                                                     fromB: answered.flow.initiatorIsB)])
        #expect(answered.flow.connectionState == "two-way")
        let unanswered = try #require(result.flows.first { $0.destination == IPAddress("10.0.0.3") })
        #expect(unanswered.flow.outages.map(\.frames) == [2] && unanswered.lost == 2)
        #expect(unanswered.flow.connectionState == "one-way")
        #expect(unanswered.sourcePort == nil)
        #expect(result.flows.first?.lost == 2)
    }

    /// The server stops answering for 2 s while the client keeps sending every 100 ms.
    @Test func silenceWhileTheOtherSideKeepsSending() throws {
        var frames: [(Double, [UInt8])] = []
        for k in 0..<60 {
            let t = Double(k) * 0.1
            frames.append((t, T.udp(forward: true)))
            if t < 2 || t >= 4 { frames.append((t + 0.001, T.udp(forward: false))) }
        }
        let fixed = try T.analyze(frames, settings: FlowSettings(silenceRuns: false))
        let flow = try #require(fixed.flows.first)
        #expect(flow.flow.outages.count == 1)
        let outage = try #require(flow.flow.outages.first)
        #expect(outage.cause == .silence && outage.frames == 20 && flow.direction(outage) == "forward")
        #expect(outage.start == T.time(2.0) && outage.end == T.time(4.001))
        #expect(flow.lost == 20)
        // A pause of the client (idle, not silence) is not an outage.
        let idle = try T.analyze([(0, T.udp(forward: true)), (0.001, T.udp(forward: false)), (0.5, T.udp(forward: true)),
                                  (9, T.udp(forward: true)), (9.001, T.udp(forward: false))])
        #expect(idle.flows.first?.flow.outages.isEmpty == true)
    }

    /// Sub-second silence in request/response traffic: 5 unanswered requests in 200 ms.
    @Test func shortSilenceInTurnTakingTraffic() throws {
        var frames: [(Double, [UInt8])] = []
        for k in 0..<40 {
            let t = Double(k) * 0.05
            frames.append((t, T.udp(forward: true)))
            if !(1.0..<1.25).contains(t) { frames.append((t + 0.0002, T.udp(forward: false))) }
        }
        let flow = try #require(try T.analyze(frames).flows.first)
        #expect(flow.flow.outages.map(\.cause) == [.silence])
        #expect(flow.flow.outages.first?.frames == 5)
        let strict = try T.analyze(frames, settings: FlowSettings(silenceRuns: false))
        #expect(strict.flows.first?.flow.outages.isEmpty == true)
    }
}

@Suite struct FlowPolicyHookTests {
    /// Outcomes a fabric simulation attributes to the flow of the frame just observed.
    @Test func outcomesOfTheFrameJustObserved() throws {
        let table = FlowTable()
        let decoder = PacketDecoder(linkType: .ethernet)
        var decoded = DecodedPacket()
        let frames = [FlowTrace.udp(forward: true), FlowTrace.udp(forward: false), FlowTrace.udp(forward: true),
                      FlowTrace.arp(request: true)]
        let outcomes: [FlowFrameOutcome?] = [.delivered, .misdelivered, .dropped(.staleRemote), nil]
        var observed: [(flow: Int, fromB: Bool)?] = []
        for (i, frame) in frames.enumerated() {
            frame.withUnsafeBytes { bytes in
                decoder.decode(bytes, into: &decoded)
                table.observe(decoded, bytes: bytes, originalLength: bytes.count, time: FlowTrace.time(Double(i)), packet: i + 1)
            }
            observed.append(table.lastObserved)
            if let outcome = outcomes[i], let (flow, fromB) = table.lastObserved {
                table.record(outcome: outcome, forFlow: flow, fromB: fromB, at: FlowTrace.time(Double(i)))
            }
        }
        #expect(observed[0]?.flow == 0 && observed[2]?.flow == 0)
        #expect(observed[0]?.fromB != observed[1]?.fromB)
        #expect(observed[3]?.flow == 1)
        table.finish()
        let flow = table.flows[0]
        #expect(flow.delivered == 1 && flow.dropped == 1 && flow.misdelivered == 1)
        table.removeInferredOutages()
        #expect(table.flows[0].outages.map(\.cause).sorted { $0.rawValue < $1.rawValue } == [.misdelivered, .staleRemote])
        let record = FlowRecord(flow: table.flows[0], hasPolicy: true)
        #expect(record.lost == 1 && record.misdelivered == 1)
        #expect(FlowRecord(flow: flow).misdelivered == 0)
    }
}

@Suite struct FlowScenarioTests {
    /// vm1 migrates A → C at 10 s and C → B at 22 s with transit gaps: the client's flow to it
    /// shows one outage at each move, tied to it; the VXLAN tenant's flow too.
    @Test func threeSiteMigrationsShowAsOutages() throws {
        let dir = TestSupport.root + "/fixtures/scenarios"
        let topology = try Topology.load(path: dir + "/three-site.topology.yaml")
        let result = try analyzeFlows(inputs: [dir + "/three-site.pcapng"], topology: topology)
        let vm1 = try MACAddress("02:00:00:00:00:07").unwrap()
        let moves = result.migrations.filter { $0.mac == vm1 && $0.kind == .migration }
        #expect(moves.count == 2)
        let flow = try #require(result.flows.first { $0.destination == IPAddress("10.1.0.7") && $0.destinationPort == 80 })
        #expect(flow.flow.connectionState == "S1")
        #expect(flow.flow.outages.map(\.cause) == [.silence, .silence])
        for (outage, move) in zip(flow.flow.outages, moves) {
            #expect(outage.migration == move)
            #expect(flow.direction(outage) == "forward")  // the client's frames to vm1 went unanswered
            #expect(!(move.time < outage.start) && !(outage.end < move.time))
        }
        #expect(flow.migration == moves.first)  // the worse outage (5 frames) is the first move's
        let names = result.topology
        let json = flow.json(names).rendered()
        #expect(json.contains("\"migration\":{\"mac\":\"02:00:00:00:00:07\",\"from\":{\"site\":\"A\",\"port\":\"p1\"},\"to\":{\"site\":\"C\",\"port\":\"p1\"}"))
        // The tenant's VXLAN flow (VNI 5000) has its outage tied to its unannounced move.
        let tenant = try #require(result.flows.first { $0.segment == Segment(vni: 5000) && $0.protocolName == "udp" })
        #expect(tenant.json(names).rendered().contains("\"vlan\":5000,\"segment\":\"vxlan\""))
        #expect(tenant.migration?.mac == MACAddress("02:00:00:00:05:01"))
        // Flows with outages come first.
        #expect(result.flows.prefix(2).allSatisfy { !$0.flow.outages.isEmpty })
    }

    @Test func commandLineFormats() throws {
        let dir = TestSupport.root + "/fixtures/scenarios"
        let r = TestSupport.run(TestSupport.binary, ["flows", dir + "/three-site.pcapng", "--topology",
                                                     dir + "/three-site.topology.yaml", "--format", "ndjson", "--top", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = String(lines.first ?? "")
        #expect(first.hasPrefix("{\"proto\":\"tcp\",\"src\":\"10.1.0.100\",\"sport\":"))
        for field in ["\"dst\":", "\"dport\":80", "\"vlan\":10", "\"first\":", "\"last\":", "\"packets\":", "\"bytes\":",
                      "\"state\":\"S1\"", "\"lost\":7", "\"misdelivered\":0", "\"outages\":[{\"start\":",
                      "\"cause\":\"silence\"", "\"migration\":{\"mac\":"] {
            #expect(first.contains(field), "\(field)")
        }
        let table = TestSupport.run(TestSupport.binary, ["flows", dir + "/three-site.pcapng", "--outages-only"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("Outages") && table.stdout.contains("silence"))
        let csv = TestSupport.run(TestSupport.binary, ["flows", dir + "/three-site.pcapng", "--format", "csv"])
        #expect(csv.stdout.hasPrefix(FlowRecord.flatColumns.joined(separator: ",") + "\n"))
        let bad = TestSupport.run(TestSupport.binary, ["flows", dir + "/three-site.pcapng", "--silence", "soon"])
        #expect(bad.status == 2 && bad.stderr.contains("--silence"))
    }
}

extension Optional {
    fileprivate func unwrap() throws -> Wrapped {
        guard let value = self else { throw FlowTestError.missing }
        return value
    }
}

private enum FlowTestError: Error { case missing }

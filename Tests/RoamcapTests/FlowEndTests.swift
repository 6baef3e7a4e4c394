import CaptureFile
import PacketWire
import RoamcapKit
import Testing

/// Flows end (FIN exchange acknowledged, RST, or idle past their inactivity timeout) and give
/// their tracking state back; a key seen again after the end starts a new flow.
@Suite struct FlowEndTests {
    typealias T = FlowTrace

    /// Feeds (seconds, frame) to a table, returning the live flows after each frame.
    static func feed(_ table: FlowTable, _ frames: [(Double, [UInt8])]) -> [Int] {
        let decoder = PacketDecoder(linkType: .ethernet)
        var decoded = DecodedPacket()
        var live: [Int] = []
        for (n, (t, frame)) in frames.enumerated() {
            frame.withUnsafeBytes { bytes in
                decoder.decode(bytes, into: &decoded)
                table.observe(decoded, bytes: bytes, originalLength: bytes.count, time: T.time(t), packet: n + 1)
            }
            live.append(table.liveFlows)
        }
        return live
    }

    static let closing: [(Double, [UInt8])] = T.handshake + [
        (0.01, T.tcp(forward: true, [.fin, .ack], seq: 101, ack: 501)),
        (0.011, T.tcp(forward: false, [.fin, .ack], seq: 501, ack: 102)),
        (0.012, T.tcp(forward: true, .ack, seq: 102, ack: 502)),
    ]

    /// The ACK of the second FIN closes the connection; its flow ends the close delay (5 s, as
    /// Zeek's tcp_close_delay) later, so a FIN sent again meanwhile still counts in it.
    @Test func finExchangeEndsTheFlow() throws {
        let table = FlowTable()
        let live = FlowEndTests.feed(table, FlowEndTests.closing + [
            (1, T.tcp(forward: false, [.fin, .ack], seq: 501, ack: 102)),  // the last ACK was lost upstream
            (6.5, T.udp(forward: true)),
        ])
        #expect(live == [1, 1, 1, 1, 1, 1, 1, 1])
        #expect(!table.isLive(0) && table.isLive(1))
        #expect(table.flows[0].packets == 7 && table.flows[0].connectionState == "SF")
        #expect(table.flows[0].outages.map(\.cause) == [.retransmission])
        table.finish()
        #expect(table.liveFlows == 0 && table.flows.count == 2)
    }

    /// FINs both ways that are not both acknowledged do not close: the flow stays until idle.
    @Test func unacknowledgedFinDoesNotEndTheFlow() throws {
        let table = FlowTable()
        _ = FlowEndTests.feed(table, Array(FlowEndTests.closing.dropLast()) + [(30, T.udp(forward: true))])
        #expect(table.isLive(0) && table.liveFlows == 2)
    }

    @Test func resetEndsTheFlow() throws {
        let table = FlowTable(settings: FlowSettings(closeDelay: 0))
        let live = FlowEndTests.feed(table, T.handshake + [
            (0.01, T.tcp(forward: false, [.rst, .ack], seq: 501, ack: 101)),
            (0.02, T.udp(forward: true)),
            (0.03, T.tcp(forward: true, .ack, seq: 101, ack: 501)),  // after the end: a new flow
        ])
        #expect(live == [1, 1, 1, 1, 1, 2])
        #expect(table.flows.count == 3)
        #expect(table.flows[0].connectionState == "RSTR" && table.flows[2].connectionState == "OTH")
        #expect(!table.isLive(0) && table.isLive(2))
    }

    /// Idle past the timeout (UDP: 1 min, as Zeek's udp_inactivity_timeout): the next datagram
    /// starts a new flow with its own uid; TCP waits 5 min.
    @Test func idleFlowsEnd() throws {
        let frames: [(Double, [UInt8])] = [
            (0, T.udp(forward: true)), (0.5, T.udp(forward: false)),
            (0.6, T.tcp(forward: true, [.ack, .psh], seq: 101, ack: 501, payload: 10)),
            (61, T.udp(forward: true)),
            (200, T.tcp(forward: false, .ack, seq: 501, ack: 111)),
        ]
        let result = try T.analyze(frames)
        let udp = result.flows.filter { $0.protocolName == "udp" }.sorted { $0.flow.first < $1.flow.first }
        #expect(udp.map(\.flow.packets) == [2, 1])
        #expect(Set(udp.map(\.flow.uid)).count == 2)
        #expect(result.flows.filter { $0.protocolName == "tcp" }.map(\.flow.packets) == [2])
        // 0 never ends a flow; a shorter timeout ends the TCP flow too.
        #expect(try T.analyze(frames, settings: FlowSettings(tcpIdleTimeout: 0, idleTimeout: 0)).flows.count == 2)
        let short = try T.analyze(frames, settings: FlowSettings(tcpIdleTimeout: 30_000_000_000, idleTimeout: 30_000_000_000))
        #expect(short.flows.count == 4)
    }

    /// A flow that ends before the input does has its open inferences finalized as at the end
    /// of the input: SYNs that got no answer are lost.
    @Test func endedFlowsFinalizeTheirInferences() throws {
        let syns: [(Double, [UInt8])] = [
            (0, T.tcp(forward: true, .syn, seq: 100, ack: 0)),
            (1, T.tcp(forward: true, .syn, seq: 100, ack: 0)),
            (3, T.tcp(forward: true, .syn, seq: 100, ack: 0)),
        ]
        let table = FlowTable()
        _ = FlowEndTests.feed(table, syns + [(400, T.udp(forward: true))])
        #expect(!table.isLive(0))
        let flow = table.flows[0]
        #expect(flow.connectionState == "S0" && flow.inferredLost == 3)
        #expect(flow.outages.map(\.cause) == [.unansweredSYN] && flow.outages.first?.frames == 3)
        // The same as when the input ends with it.
        let atEnd = FlowTable()
        _ = FlowEndTests.feed(atEnd, syns)
        atEnd.finish()
        #expect(atEnd.flows[0].outages == flow.outages && atEnd.flows[0].inferredLost == 3)
    }

    /// Ending is amortized and memory goes back: 2,000 one-packet flows a tenth of a second
    /// apart with a 1 s timeout hold about 11 tracking states at a time.
    @Test func trackingStateIsReused() throws {
        let table = FlowTable(settings: FlowSettings(idleTimeout: 1_000_000_000))
        let decoder = PacketDecoder(linkType: .ethernet)
        var decoded = DecodedPacket()
        var most = 0
        for n in 0..<2000 {
            var frame = T.udp(forward: true)
            frame[34] = UInt8(n >> 8)  // the source port: one flow each
            frame[35] = UInt8(n & 0xFF)
            frame.withUnsafeBytes { bytes in
                decoder.decode(bytes, into: &decoded)
                table.observe(decoded, bytes: bytes, originalLength: bytes.count, time: T.time(Double(n) / 10), packet: n + 1)
            }
            most = max(most, table.liveFlows)
        }
        #expect(table.flows.count == 2000)
        #expect(most <= 12 && table.liveFlows <= 12)
        #expect((0..<1980).allSatisfy { !table.isLive($0) })
    }

    /// A routed conversation seen on two VLANs ends as one flow: neither VLAN's key finds it
    /// after, and the next exchange is again one flow on both.
    @Test func aFlowAcrossVLANsEndsOnBoth() throws {
        let tagged = FlowAcrossVLANsTests.tagged
        var frames: [(Double, [UInt8])] = []
        for start in [0.0, 100.0] {
            frames.append((start, tagged(T.udp(forward: true), 10)))
            frames.append((start + 0.001, tagged(T.udp(forward: false), 20)))
        }
        let table = FlowTable()
        let live = FlowEndTests.feed(table, frames)
        #expect(live == [1, 1, 1, 1])
        #expect(table.flows.count == 2 && table.flows.allSatisfy { $0.segments == [10, 20] && $0.packets == 2 })
        #expect(!table.isLive(0))
    }

    /// Deadlines past the last representable second never come (no overflow), and a clock that
    /// jumps ahead ends every flow it passed.
    @Test func timesAtTheEdgesDoNotTrap() throws {
        let table = FlowTable()
        let decoder = PacketDecoder(linkType: .ethernet)
        var decoded = DecodedPacket()
        let times = [Timestamp(seconds: Int64.max - 1, nanoseconds: 999_999_999), Timestamp(seconds: Int64.min, nanoseconds: 0),
                     Timestamp(seconds: 0, nanoseconds: 0), Timestamp(seconds: Int64.max, nanoseconds: 999_999_999)]
        for (n, time) in times.enumerated() {
            let frame = n % 2 == 0 ? T.udp(forward: true) : T.tcp(forward: true, .syn, seq: 100, ack: 0)
            frame.withUnsafeBytes { bytes in
                decoder.decode(bytes, into: &decoded)
                table.observe(decoded, bytes: bytes, originalLength: bytes.count, time: time, packet: n + 1)
            }
        }
        #expect(table.flows.count == 3)  // the TCP flow from Int64.min ended when the clock passed it
        table.finish()
        #expect(table.liveFlows == 0)
    }

    @Test func idleTimeoutOption() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        try T.write(dir + "/t.pcap", [(0, T.udp(forward: true)), (40, T.udp(forward: false))])
        func flows(_ options: [String]) -> (status: Int32, lines: Int, stderr: String) {
            let r = TestSupport.run(TestSupport.binary, ["flows", dir + "/t.pcap", "--format", "ndjson"] + options)
            return (r.status, r.stdout.split(separator: "\n").count, r.stderr)
        }
        #expect(flows([]).lines == 1)
        #expect(flows(["--idle-timeout", "30s"]).lines == 2)
        #expect(flows(["--idle-timeout", "0"]).lines == 1)
        for bad in ["--idle-timeout=soon", "--idle-timeout=-5s", "--idle-timeout="] {
            let r = flows([bad])
            #expect(r.status == 2 && r.lines == 0, "\(bad)")
            let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("roamcap: error:") }
            #expect(errors.count == 1 && errors.first?.contains("--idle-timeout") == true, "\(r.stderr)")
        }
    }
}

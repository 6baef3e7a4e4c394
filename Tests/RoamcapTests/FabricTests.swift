import CaptureFile
import PacketWire
import RoamcapKit
import Testing

/// A small three-site scenario built frame by hand, whose outcomes are derived by hand from
/// SPEC §2 below and pinned for every policy.
///
/// Sites A (ports p1, p2), B (p1), C (p1); advertise-delay 2s, aging 300s, unknown-unicast flood.
/// Hosts (VLAN 0): M 02:…:07 (10.0.0.7) at A/p1, moves to C/p1 at 5.0 s; a 02:…:01 (10.0.0.1)
/// at A/p2; b 02:…:02 (10.0.0.2) at B/p1; d 02:…:04 (10.0.0.4) at A/p1 (same segment as M);
/// X 02:…:99 never sends.
///
///     #   time  port  frame                      #   time  port  frame
///     1   0.0   A/p1  M ARP request (broadcast)  9   5.0   C/p1  M gratuitous ARP (migration A/p1→C/p1)
///     2   0.1   A/p2  a ARP request (broadcast)  10  5.5   B/p1  b → M
///     3   0.2   B/p1  b ARP request (broadcast)  11  6.0   A/p2  a → M
///     4   0.3   A/p1  d ARP request (broadcast)  12  6.5   A/p1  d → M
///     5   3.0   B/p1  b → M                      13  7.5   B/p1  b → M
///     6   3.1   A/p2  a → M                      14  8.0   C/p1  M → b
///     7   4.0   A/p1  M → b                      15  9.0   B/p1  b → X
///     8   4.5   B/p1  b → M
///
/// Frames 1–4 are broadcasts (not judged); their advertisements arrive at 2.0–2.3 s (ideal: at
/// the next frame), so from 3.0 s every site has local/remote entries for M, a, b, d.
/// - 5, 6, 7, 14: delivered under every policy (remote(A) → A local p1; local p1 from p2; …).
/// - 8 (4.5 s): M's latest frame is #7 at A/p1, its next (#9) is at C/p1: inTransit everywhere.
/// - 9: C overrides remote(A) with local(p1), advertisement at 7.0 s (ideal: 5.0 s).
///   flood: A and B install flood. flood-confirmed: A snooped (10.0.0.7, M) from #1, so A
///   installs flood; B never snooped it and keeps remote(A).
/// - 10 b→M: igp-only B remote(A) → A stale local p1 → copy leaves A/p1: misdelivered.
///   flood: B flood → C delivers, A discards (1 excess copy). flood-confirmed: B remote(A) → A
///   flood: dropped flood-at-core. ideal: the advertisement (5.0 s) is applied first → delivered.
/// - 11 a→M: igp-only A local p1 ≠ ingress p2 → misdelivered. flood and flood-confirmed: A flood →
///   C delivers, B discards (1 excess each). ideal: delivered.
/// - 12 d→M: igp-only A local p1 = ingress port: dropped stale-local. flood, flood-confirmed:
///   delivered with 1 excess copy. ideal: delivered.
/// - 13 (after 7.0 s): the advertisement replaced every stale entry: delivered everywhere.
/// - 15 b→X (never seen): unknown unicast flooded to A/p1, A/p2, C/p1: delivered, 2 excess core
///   copies (every core copy, the destination was never seen); with unknown-unicast drop: dropped
///   unknown-drop, no copies.
///
/// Totals (frames 10 = 5–8, 10–15):
///
///     policy           delivered  misdelivered  dropped            inTransit  excess  M: lost / outage
///     igp-only         6          2             1 stale-local      1          2       3 / 1.5 s (10, 11, 12)
///     flood            9          0             0                  1          5       0 / 0
///     flood-confirmed  8          0             1 flood-at-core    1          4       1 / 0.5 s (10)
///     ideal            9          0             0                  1          2       0 / 0
enum HandScenario {
    static let m = MACAddress(0x02, 0, 0, 0, 0, 0x07)
    static let a = MACAddress(0x02, 0, 0, 0, 0, 0x01)
    static let b = MACAddress(0x02, 0, 0, 0, 0, 0x02)
    static let d = MACAddress(0x02, 0, 0, 0, 0, 0x04)
    static let x = MACAddress(0x02, 0, 0, 0, 0, 0x99)
    static let ips: [MACAddress: IPv4Address] = [
        m: IPv4Address(10, 0, 0, 7), a: IPv4Address(10, 0, 0, 1), b: IPv4Address(10, 0, 0, 2),
        d: IPv4Address(10, 0, 0, 4), x: IPv4Address(10, 0, 0, 99),
    ]
    static let start = Timestamp(rfc3339: "2026-11-20T10:00:00Z")!
    static let interfaces = ["A-p1", "A-p2", "B-p1", "C-p1"]

    static let topology = """
        sites:
          A: { ports: { p1: "A-p1", p2: "A-p2" } }
          B: { ports: { p1: "B-p1" } }
          C: { ports: { p1: "C-p1" } }
        control-plane: { advertise-delay: 2s, aging: 300s, unknown-unicast: flood }

        """

    enum Kind { case arp(target: IPv4Address), garp, udp(to: MACAddress) }

    /// (milliseconds, interface, sender, kind), in time order.
    static let frames: [(Int64, Int, MACAddress, Kind)] = [
        (0, 0, m, .arp(target: ips[a]!)), (100, 1, a, .arp(target: ips[m]!)), (200, 2, b, .arp(target: ips[m]!)),
        (300, 0, d, .arp(target: ips[m]!)), (3000, 2, b, .udp(to: m)), (3100, 1, a, .udp(to: m)),
        (4000, 0, m, .udp(to: b)), (4500, 2, b, .udp(to: m)), (5000, 3, m, .garp), (5500, 2, b, .udp(to: m)),
        (6000, 1, a, .udp(to: m)), (6500, 0, d, .udp(to: m)), (7500, 2, b, .udp(to: m)), (8000, 3, m, .udp(to: b)),
        (9000, 2, b, .udp(to: x)),
    ]

    static func emit(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Void) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { try! body($0) }
        return bytes
    }

    static func bytes(_ sender: MACAddress, _ kind: Kind, index: Int) -> [UInt8] {
        var frame: [UInt8]
        switch kind {
        case .arp, .garp:
            let targetIP: IPv4Address
            if case .arp(let t) = kind { targetIP = t } else { targetIP = ips[sender]! }
            let arp = ARPHeader(operation: .request, senderHardwareAddress: sender, senderProtocolAddress: ips[sender]!,
                                targetHardwareAddress: .zero, targetProtocolAddress: targetIP)
            frame = emit(14) { try EthernetHeader(destinationAddress: .broadcast, sourceAddress: sender, etherType: .arp).emit(into: $0) }
                + emit(28) { try arp.emit(into: $0) }
        case .udp(let to):
            let payload = [UInt8](repeating: UInt8(index), count: 18)
            let udp = emit(8) { try UDPHeader(sourcePort: 40000, destinationPort: 9000, payloadLength: payload.count).emit(into: $0) }
            let ip = IPv4Header(sourceAddress: ips[sender]!, destinationAddress: ips[to]!, protocol: .udp,
                                payloadLength: 8 + payload.count, identification: UInt16(index))
            frame = emit(14) { try EthernetHeader(destinationAddress: to, sourceAddress: sender, etherType: .ipv4).emit(into: $0) }
                + emit(20) { try ip.emit(into: $0) } + udp + payload
        }
        if frame.count < 60 { frame += [UInt8](repeating: 0, count: 60 - frame.count) }
        return frame
    }

    /// Writes the trace and the topology into `dir`; returns their paths.
    static func write(into dir: String) throws -> (trace: String, topology: String) {
        let trace = dir + "/hand.pcapng"
        let writer = TraceWriter(output: try OutputFile(path: trace, force: true), format: .pcapng)
        try writer.beginSection(SectionHeader())
        for name in interfaces {
            _ = try writer.addInterface(InterfaceDescription(
                linkType: 1, snapLength: 262_144,
                options: [BlockOption(code: InterfaceDescription.OptionCode.name, string: name),
                          BlockOption(code: InterfaceDescription.OptionCode.timestampResolution, value: [9])],
                timestampResolution: 9))
        }
        for (i, (ms, interface, sender, kind)) in frames.enumerated() {
            let data = bytes(sender, kind, index: i + 1)
            var failure: CaptureError?
            data.withUnsafeBytes { raw in
                let packet = Packet(timestamp: start.adding(nanoseconds: ms * 1_000_000), interface: interface,
                                    originalLength: raw.count, data: raw, number: i + 1)
                do { try writer.write(packet, interfaceID: interface, keepTicks: false) } catch let error as CaptureError { failure = error } catch { fatalError("\(error)") }
            }
            if let failure { throw failure }
        }
        try writer.finish()
        let topologyPath = dir + "/hand.topology.yaml"
        TestSupport.writeFile(topologyPath, Array(topology.utf8))
        return (trace, topologyPath)
    }

    struct Expected: Equatable, CustomStringConvertible {
        var frames, delivered, misdelivered, staleLocal, staleRemote, floodAtCore, unknownDrop, inTransit, excess: Int
        var lost: Int
        var outage: Int64

        init(_ c: FabricCounts, _ loss: MigrationLoss) {
            frames = c.frames; delivered = c.delivered; misdelivered = c.misdelivered; staleLocal = c.staleLocal
            staleRemote = c.staleRemote; floodAtCore = c.floodAtCore; unknownDrop = c.unknownDrop
            inTransit = c.inTransit; excess = c.excessCopies; lost = loss.lostFrames; outage = loss.outage
        }

        init(delivered: Int, misdelivered: Int = 0, staleLocal: Int = 0, floodAtCore: Int = 0, unknownDrop: Int = 0,
             inTransit: Int = 1, excess: Int, lost: Int = 0, outageMs: Int64 = 0) {
            frames = 10; self.delivered = delivered; self.misdelivered = misdelivered; self.staleLocal = staleLocal
            staleRemote = 0; self.floodAtCore = floodAtCore; self.unknownDrop = unknownDrop; self.inTransit = inTransit
            self.excess = excess; self.lost = lost; outage = outageMs * 1_000_000
        }

        var description: String {
            "frames \(frames) delivered \(delivered) misdelivered \(misdelivered) stale-local \(staleLocal) "
                + "stale-remote \(staleRemote) flood-at-core \(floodAtCore) unknown-drop \(unknownDrop) "
                + "inTransit \(inTransit) excess \(excess) lost \(lost) outage \(outage)ns"
        }
    }
}

@Suite struct FabricTests {
    static func simulate(_ settings: FabricSettings = FabricSettings(),
                         onJudgment: ((FrameJudgment, DecodedPacket, UnsafeRawBufferPointer) -> Void)? = nil) throws
        -> FabricReport {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topologyPath) = try HandScenario.write(into: dir)
        return try simulateFabric(inputs: [trace], topology: try Topology.load(path: topologyPath),
                                  options: FabricOptions(settings: settings), onJudgment: onJudgment)
    }

    static func results(_ report: FabricReport) -> [FabricPolicy: HandScenario.Expected] {
        var out: [FabricPolicy: HandScenario.Expected] = [:]
        for (i, policy) in report.policies.enumerated() {
            out[policy] = HandScenario.Expected(report.counts[i], report.losses[i].first ?? MigrationLoss())
        }
        return out
    }

    @Test func handScenarioCountsPerPolicy() throws {
        let report = try Self.simulate()
        #expect(report.policies == FabricPolicy.allCases)
        #expect(report.pass.packetsRead == 15 && report.packetsSimulated == 15 && report.broadcasts == 5)
        // The one migration: M's first frame at C (#9).
        #expect(report.migrations.count == 1)
        let move = try #require(report.migrations.first)
        #expect(move.station == StationKey(segment: Segment(vlan: 0), mac: HandScenario.m))
        #expect(move.from == Topology.PortID(site: 0, port: 0) && move.to == Topology.PortID(site: 2, port: 0))
        #expect(move.time == HandScenario.start.adding(nanoseconds: 5_000_000_000) && move.packet == 9)
        let r = Self.results(report)
        typealias E = HandScenario.Expected
        // igp-only loses the traffic to M for about the advertise-delay (10, 11 misdelivered, 12 stale-local).
        #expect(r[.igpOnly] == E(delivered: 6, misdelivered: 2, staleLocal: 1, excess: 2, lost: 3, outageMs: 1500))
        // flood loses nothing beyond the in-transit frame and pays 3 excess copies (+2 unknown unicast).
        #expect(r[.flood] == E(delivered: 9, excess: 5))
        // flood-confirmed: the third site B keeps remote(A) until the advertisement: #10 dropped at A.
        #expect(r[.floodConfirmed] == E(delivered: 8, floodAtCore: 1, excess: 4, lost: 1, outageMs: 500))
        #expect(r[.ideal] == E(delivered: 9, excess: 2))
    }

    @Test func unknownUnicastDrop() throws {
        let r = Self.results(try Self.simulate(FabricSettings(unknownUnicast: .drop)))
        typealias E = HandScenario.Expected
        // #15 (to X, never seen) is dropped unknown-drop at B under every policy, with no copies.
        #expect(r[.igpOnly] == E(delivered: 5, misdelivered: 2, staleLocal: 1, unknownDrop: 1, excess: 0, lost: 3, outageMs: 1500))
        #expect(r[.flood] == E(delivered: 8, unknownDrop: 1, excess: 3))
        #expect(r[.floodConfirmed] == E(delivered: 7, floodAtCore: 1, unknownDrop: 1, excess: 2, lost: 1, outageMs: 500))
        #expect(r[.ideal] == E(delivered: 8, unknownDrop: 1, excess: 0))
    }

    @Test func perSiteAdvertiseDelay() throws {
        // C advertises after 1.2 s: at 6.2 s, so #10 and #11 are lost under igp-only but #12 is delivered
        // (A now has remote(C)); flood and flood-confirmed no longer flood #12.
        let r = Self.results(try Self.simulate(FabricSettings(siteAdvertiseDelays: ["C": 1_200_000_000])))
        typealias E = HandScenario.Expected
        #expect(r[.igpOnly] == E(delivered: 7, misdelivered: 2, excess: 2, lost: 2, outageMs: 1000))
        #expect(r[.flood] == E(delivered: 9, excess: 4))
        #expect(r[.floodConfirmed] == E(delivered: 8, floodAtCore: 1, excess: 3, lost: 1, outageMs: 500))
        #expect(r[.ideal] == E(delivered: 9, excess: 2))
        // A global delay below 0.5 s makes igp-only as good as ideal here.
        let fast = Self.results(try Self.simulate(FabricSettings(advertiseDelay: 400_000_000)))
        #expect(fast[.igpOnly] == E(delivered: 9, excess: 2))
        #expect(fast[.floodConfirmed] == E(delivered: 9, excess: 2))
    }

    @Test func perFrameJudgments() throws {
        var seen: [FabricPolicy: [(Int, FrameOutcome, DropCause?)]] = [:]
        var entries: [Int: FabricEntryView] = [:]
        var migrations: [Int: Int?] = [:]
        _ = try Self.simulate { judgment, decoded, bytes in
            #expect(decoded.destinationMACAddress == judgment.destination && bytes.count >= 60)
            seen[judgment.policy, default: []].append((judgment.packet, judgment.outcome, judgment.cause))
            if judgment.policy == .floodConfirmed, let entry = judgment.entry { entries[judgment.packet] = entry }
            if judgment.policy == .igpOnly { migrations[judgment.packet] = judgment.migration }
        }
        func list(_ p: FabricPolicy) -> [String] {
            (seen[p] ?? []).map { "\($0.0) \($0.1.rawValue)" + ($0.2.map { " " + $0.rawValue } ?? "") }
        }
        #expect(list(.igpOnly) == ["5 delivered", "6 delivered", "7 delivered", "8 inTransit", "10 misdelivered",
                                   "11 misdelivered", "12 dropped stale-local", "13 delivered", "14 delivered",
                                   "15 delivered"])
        #expect(list(.floodConfirmed) == ["5 delivered", "6 delivered", "7 delivered", "8 inTransit",
                                          "10 dropped flood-at-core", "11 delivered", "12 delivered", "13 delivered",
                                          "14 delivered", "15 delivered"])
        #expect(list(.flood).filter { !$0.hasSuffix("delivered") } == ["8 inTransit"])
        // #10 under flood-confirmed: dropped at A, whose entry is flood since 5.0 s.
        #expect(entries[10] == FabricEntryView(site: 0, state: .flood, target: -1, since: 5_000_000_000))
        // Losses are charged to M's migration from #9 on; frames to b and X are not.
        #expect(migrations[8] == .some(nil) && migrations[10] == .some(0) && migrations[14] == .some(nil))
    }

    /// The bundled three-site scenario: invariants that hold for any trace.
    @Test func threeSiteInvariants() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (_, path, synth) = try SynthTests.synthesizeInto(dir, "three-site")
        let report = try simulateFabric(inputs: [path], topology: synth.topology, options: FabricOptions())
        // Migrations are the synthesized moves to another site, in order — but for the tenant's move
        // inside VXLAN segment 5000: the fabric judges outer frames (SPEC §2), so it sees the VTEPs only.
        let expected = synth.expected.filter { $0.kind == .migration && !$0.segment.isVXLAN }
        #expect(report.migrations.map(\.packet) == expected.map(\.packet))
        #expect(report.migrations.map(\.to) == expected.map(\.to))
        let frames = report.counts[0].frames
        for (i, c) in report.counts.enumerated() {
            #expect(c.frames == frames)
            #expect(c.frames == c.delivered + c.misdelivered + c.dropped + c.inTransit, "\(report.policies[i])")
            #expect(c.inTransit == report.counts[0].inTransit)
        }
        let ideal = try #require(report.policies.firstIndex(of: .ideal))
        let flood = try #require(report.policies.firstIndex(of: .flood))
        let igp = try #require(report.policies.firstIndex(of: .igpOnly))
        #expect(report.losses[ideal].allSatisfy { $0.lostFrames == 0 })
        #expect(report.losses[flood].allSatisfy { $0.lostFrames == 0 })
        #expect(report.losses[igp].allSatisfy { $0.lostFrames > 0 })
        #expect(report.counts[flood].excessCopies > report.counts[igp].excessCopies)
        // igp-only's outage is about the new site's advertise-delay (C: 3.5 s, others 2 s).
        for (m, move) in report.migrations.enumerated() {
            let delay: Int64 = move.to.site == 2 ? 3_500_000_000 : 2_000_000_000
            #expect(report.losses[igp][m].outage <= delay && report.losses[igp][m].outage > delay - 300_000_000)
        }
    }

    @Test func policyListParsing() {
        if case .success(let list) = FabricPolicy.parseList("flood, ideal,flood") { #expect(list == [.flood, .ideal]) }
        else { Issue.record("valid list refused") }
        if case .failure(let error) = FabricPolicy.parseList("igp-only,magic") {
            #expect(error.description == "unknown policy 'magic', expected one of: igp-only, flood, flood-confirmed, ideal")
        } else { Issue.record("unknown policy accepted") }
    }
}

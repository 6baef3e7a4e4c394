import CaptureFile
import PacketWire
import RoamcapKit
import Testing

/// `roamcap tables`: snapshots agree with the event stream, aging, and what roamcap sees that
/// arpwatch does not (tagged ARP, RARP, ND, Linux cooked captures).
@Suite struct TablesTests {
    struct MACKey: Hashable { var site: Int; var station: StationKey; var port: Int }

    /// Replays the events up to `time`: the MAC entries of every site and the IP bindings.
    static func replay(_ events: [TableEvent], upTo time: Timestamp) -> (Set<MACKey>, [BindingKey: MACAddress]) {
        var mac: [StationKey: [Int: Int]] = [:]  // station → site → port
        var arp: [BindingKey: MACAddress] = [:]
        for event in events where !(time < event.time) {
            if let ip = event.ip {
                switch event.kind {
                case .newStation, .changedMAC, .flipFlop: arp[BindingKey(segment: event.segment, ip: ip)] = event.mac
                default: break
                }
                continue
            }
            switch event.kind {
            case .newStation, .moved, .migration:
                mac[event.station, default: [:]][Int(event.to!.site)] = Int(event.to!.port)
            case .agedOut:
                mac[event.station]?[Int(event.from!.site)] = nil
            default:
                break
            }
        }
        var set = Set<MACKey>()
        for (station, sites) in mac { for (site, port) in sites { set.insert(MACKey(site: site, station: station, port: port)) } }
        return (set, arp)
    }

    static func check(_ inputs: [String], topology: Topology?, settings: TableSettings, times: [Int64]) throws {
        let full = try rebuildTables(inputs: inputs, topology: topology, settings: settings)
        for offset in times {
            let at = try rebuildTables(inputs: inputs, topology: topology, settings: settings,
                                       at: .relative(nanoseconds: offset))
            let snapshot = try #require(at.snapshot)
            let (mac, arp) = replay(full.events, upTo: snapshot.time)
            let snapshotMAC = Set(snapshot.mac.map { MACKey(site: $0.site, station: $0.station, port: $0.port) })
            #expect(snapshotMAC == mac, "MAC tables at +\(offset) ns of \(inputs)")
            var snapshotARP: [BindingKey: MACAddress] = [:]
            for row in snapshot.bindings { snapshotARP[row.key] = row.mac }
            #expect(snapshotARP == arp, "bindings at +\(offset) ns of \(inputs)")
            // The events of the --at run are the full run's up to that moment.
            #expect(at.events == full.events.filter { !(snapshot.time < $0.time) })
        }
    }

    @Test func snapshotsAreTheEventsReplayed() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (_, path, result) = try SynthTests.synthesizeInto(dir, "three-site")
        // A short aging makes entries age out and come back along the way.
        var random = UInt64(12345)
        var times: [Int64] = [0, 10_200_000_000, 10_199_999_999, 29_999_999_999]
        for _ in 0..<8 {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            times.append(Int64(random >> 33) % 31_000_000_000)
        }
        try Self.check([path], topology: result.topology, settings: TableSettings(aging: 3_000_000_000), times: times)
        try Self.check([path], topology: nil, settings: TableSettings(), times: [5_000_000_000, 20_000_000_000])
    }

    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func snapshotsAreTheEventsReplayedOnRealCaptures() throws {
        let corpus = try #require(TestSupport.corpus)
        for name in ["tcpdump__arp-oobr.pcap", "libpcap__gateway_or_not.pcap", "zeek__icmp_dot1q.pcap"] {
            let path = corpus + "/" + name
            let summary = try rebuildTables(inputs: [path], topology: nil)
            guard let last = summary.events.last?.time, let first = summary.firstTime else { continue }
            let span = last.nanoseconds(since: first)
            try Self.check([path], topology: nil, settings: TableSettings(aging: 60_000_000_000),
                           times: [0, span / 3, span / 2, span])
        }
    }

    @Test func agingRemovesSilentEntries() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (_, path, result) = try SynthTests.synthesizeInto(dir, "three-site")
        let tables = try rebuildTables(inputs: [path], topology: result.topology,
                                       settings: TableSettings(aging: 5_000_000_000))
        // vm1 left A at 10 s: A's stale entry ages out 5 s after its last frame there.
        let vm1 = MACAddress("02:00:00:00:00:07")!
        let aged = tables.events.filter { $0.kind == .agedOut && $0.mac == vm1 }
        #expect(aged.first?.from == Topology.PortID(site: 0, port: 0))
        if let event = aged.first {
            #expect(event.time.nanoseconds(since: Timestamp(rfc3339: "2026-11-20T10:00:09.9512Z")!) == 5_000_000_000)
        }
        // With the default 300 s nothing ages in a 30 s trace.
        let plain = try rebuildTables(inputs: [path], topology: result.topology)
        #expect(!plain.events.contains { $0.kind == .agedOut })
    }

    @Test func commandLineFormatsAndStationFilters() throws {
        let trace = SynthTests.scenarioDirectory + "/three-site.pcapng"
        let topology = SynthTests.scenarioDirectory + "/three-site.topology.yaml"
        let csv = TestSupport.run(TestSupport.binary, ["tables", trace, "--topology", topology, "--format", "csv",
                                                       "--mac", "02:00:00:00:00:07"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first == "time,packet,event,vlan,mac,ip,from,to,evidence,detail")
        #expect(lines.contains { $0.contains(",migration,10,02:00:00:00:00:07,,A/p1,C/p1,garp,") })
        #expect(lines.dropFirst().allSatisfy { $0.contains("02:00:00:00:00:07") })
        let byIP = TestSupport.run(TestSupport.binary, ["tables", trace, "--topology", topology, "--format", "ndjson",
                                                        "--ip", "10.1.0.7"])
        #expect(byIP.stdout.split(separator: "\n").filter { $0.contains("\"migration\"") }.count == 2)
        let at = TestSupport.run(TestSupport.binary, ["tables", trace, "--topology", topology, "--format", "json",
                                                      "--at", "2026-11-20T10:00:10.25Z", "--mac", "02:00:00:00:00:07"])
        #expect(at.status == 0, "\(at.stderr)")
        #expect(at.stdout.contains("\"time\": \"2026-11-20T10:00:10.250000000Z\""))
        // Stale entry at A and the new one at C.
        #expect(at.stdout.contains("\"site\": \"A\"") && at.stdout.contains("\"site\": \"C\""))
        let bad = TestSupport.run(TestSupport.binary, ["tables", trace, "--mac", "nope"])
        #expect(bad.status == 2 && bad.stderr.contains("--mac"))
    }

    /// 802.1Q-tagged ARP: arpwatch's filter is "not vlan", roamcap keys bindings by VLAN.
    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func taggedARPIsBoundPerVLAN() throws {
        let corpus = try #require(TestSupport.corpus)
        let tables = try rebuildTables(inputs: [corpus + "/zeek__icmp_dot1q.pcap"], topology: nil)
        let bindings = tables.events.filter { $0.ip != nil && $0.kind == .newStation }
        #expect(!bindings.isEmpty)
        #expect(bindings.allSatisfy { $0.segment.identifier != 0 && $0.via == .arp })
    }

    /// RARP: arpwatch learns the server's address from a reply; roamcap also the address assigned.
    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func rarpReplyBindsTheAssignedAddressToo() throws {
        let corpus = try #require(TestSupport.corpus)
        let tables = try rebuildTables(inputs: [corpus + "/libpcap__rarp_req_reply.pcapng"], topology: nil)
        let bindings = Set(tables.events.filter { $0.ip != nil }.map { "\($0.ip!) \($0.mac) \($0.via!.rawValue)" })
        #expect(bindings == ["10.1.1.10 00:0c:29:c5:f6:9b rarp", "10.1.1.100 00:0c:29:34:0b:de rarp"])
        // And the request is the evidence of where the station is.
        #expect(tables.events.first?.evidence == .rarp)
    }

    /// IPv6 Neighbor Discovery bindings, which arpwatch does not watch.
    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func neighborDiscoveryBindings() throws {
        let corpus = try #require(TestSupport.corpus)
        let tables = try rebuildTables(inputs: [corpus + "/zeek__icmp6.pcap"], topology: nil)
        let nd = tables.events.filter { $0.via == .nd }
        #expect(!nd.isEmpty)
        #expect(nd.allSatisfy { if case .v6 = $0.ip! { return true } else { return false } })
    }

    /// Linux cooked captures, which arpwatch refuses (bad linktype).
    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func linuxCookedARP() throws {
        let corpus = try #require(TestSupport.corpus)
        let tables = try rebuildTables(inputs: [corpus + "/pcapplusplus__sll.pcap"], topology: nil)
        #expect(tables.events.contains { $0.via == .arp })
    }

    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"))
    func vxlanInnerFramesAreKeyedByVNI() throws {
        let corpus = try #require(TestSupport.corpus)
        let tables = try rebuildTables(inputs: [corpus + "/tcpdump__vxlan.pcap"], topology: nil)
        let inner = tables.events.filter { $0.segment.isVXLAN }
        #expect(!inner.isEmpty)
        #expect(inner.first?.json(tables.topology).rendered().contains("\"segment\":\"vxlan\"") == true)
    }
}

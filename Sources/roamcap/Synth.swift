import ArgumentParser
import RoamcapKit
#if canImport(Glibc)
import Glibc
#endif

extension Roamcap {
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a deterministic multi-site trace from a scenario, with its topology and ground truth.",
            discussion: """
            Writes a pcapng trace with one interface per site port, named SITE-PORT, with \
            nanosecond timestamps; each interface sees the frames its hosts send (an ingress tap \
            on each access port). The same scenario always gives the same bytes. Also writes the \
            topology that maps those interfaces to the sites (--topology-output, by default the \
            output's name with .topology.yaml), and prints the moves the trace contains, as \
            'roamcap tables' must report them (--format table, json, ndjson or csv; not when the \
            trace goes to standard output).

            Beside the trace it writes NAME.expect.yaml, the ground truth as checks for \
            'roamcap verify': every move of every host (migration or move within a site, from, \
            to, evidence, in order) as 'tables' must report it, and no frame lost by a \
            migration under the flood and ideal policies. Verify the trace itself, or a lab \
            capture of its replay (tcpreplay), against it: roamcap verify NAME.expect.yaml \
            [CAPTURE...].

            Scenario format (YAML):

              start: 2026-11-20T10:00:00Z   # optional, RFC 3339
              duration: 30s                 # required
              seed: 1                       # optional, for jitter
              jitter: 0ms                   # optional random delay per flow packet
              sites:                        # ports default to [p1]
                A: { ports: [p1, p2] }
                B: { ports: [p1] }
                C: { ports: [p1], advertise-delay: 3.5s }
              control-plane: { advertise-delay: 2s, aging: 300s }   # optional, copied to the topology
              hosts:
                vm1:    { mac: "02:00:00:00:00:07", ip: 10.1.0.7, ipv6: "fd00::7", vlan: 10, site: A, port: p1 }
                client: { mac: "02:00:00:00:01:00", ip: 10.1.0.100, ipv6: "fd00::100", vlan: 10, site: B }
                tenant: { mac: "02:00:00:00:02:00", ip: 10.2.0.5, vni: 5000, site: A }
              flows:
                - { from: client, to: vm1, proto: tcp, dport: 80, rate: 20, start: 0s, end: 30s, size: 100 }
                - { from: client, to: vm1, proto: udp, ipv6: true, dport: 53, rate: 5/s, reply: false }
              migrations:
                - { host: vm1, at: 10s, to: C, port: p1, gap: 200ms, announce: garp }

            Hosts: mac (required), ip and/or ipv6, vlan (802.1Q tag, 0 or absent for untagged) \
            or vni (frames VXLAN-encapsulated between per-port VTEPs 02:fe:00:00:SITE:PORT, \
            192.0.(2+SITE).(1+PORT)), site and port (default: the site's first port).

            Flows: from and to (hosts in the same VLAN or VNI), proto tcp (default) or udp, \
            ipv6 true/false, sport/dport, rate in packets per second (default 10), start/end \
            (default the whole scenario), size (payload bytes, default 64), reply (default true: \
            each packet is answered 200 µs later). A flow starts with address resolution (ARP \
            request and reply, or Neighbor Solicitation and Advertisement) at its start, then \
            sends its first packet 1 ms later (a SYN for TCP) and one every 1/rate s.

            Migrations: host, at (when it leaves), to (site) and port, gap (transit time, \
            default 0: the host is silent from at to at+gap) and announce: garp (default), rarp \
            (a RARP request, as hypervisors send), unsolicited-na (needs ipv6), dhcp (a \
            DHCPREQUEST) or none (the first frame at the new place is the evidence). Frames to a \
            host in transit are still sent by its peers.

            Control plane (bgp-evpn: true at the top level, SPEC §8): the trace also carries one \
            BGP session from each site's edge device (198.18.0.N, N the site's position from 1, \
            port 40000+N) to a route reflector (198.18.0.254:179), on an interface rr-span that \
            no port claims. Every learning of SPEC §2 (a station's first frame at a site, or at \
            a site other than its previous one; the station as the fabric sees it, a VXLAN \
            host's being its VTEP) is an UPDATE with its MAC/IP route (type 2, RD 198.18.0.N:VLAN, \
            VNI 10000+VLAN, VXLAN encapsulation, MAC Mobility sequence number = site changes so \
            far, none on the first) sent advertise-delay of the site after the frame, plus the \
            migration's advertise-extra (a duration) for a migration's arrival. The topology \
            gets the matching evpn entries (next hops) and evpn-vnis, so that 'roamcap simulate \
            --control-plane captured' replays what igp-only assumes, frame for frame, and a late \
            UPDATE (advertise-extra) shows what it costs; 'roamcap tables' measures each \
            migration's advertiseDelay.
            """)

        @Argument(help: ArgumentHelp("Scenario file (YAML).", valueName: "scenario"), completion: .file())
        var scenario: String

        @Option(name: [.short, .long], help: ArgumentHelp("Output trace (pcapng; '-' for standard output).", valueName: "file"), completion: .file())
        var output: String

        @Option(name: .long, help: ArgumentHelp(
            "Where to write the topology (default: the output's name with .topology.yaml).", valueName: "file"), completion: .file())
        var topologyOutput: String?

        @Option(name: .long, help: ArgumentHelp(
            "Compress the output: zstd or none (default: zstd when the name ends in .zst).", valueName: "method"), completion: .list(["zstd", "none"]))
        var compress: OutputCompression?

        @Flag(name: .long, help: "Replace existing output files.")
        var force = false

        @OptionGroup var report: ReportOptions

        func absolutePath(_ path: String) -> String {
            if path.hasPrefix("/") { return path }
            guard let cwd = getcwd(nil, 0) else { return path }
            defer { free(cwd) }
            return String(cString: cwd) + "/" + path
        }

        func run() throws {
            let parsed: Scenario
            do { parsed = try Scenario.load(path: scenario) } catch { throw RoamcapFailure(message: error.description) }
            let out = try OutputFile(path: output, compressed: OutputCompression.compressed(compress), force: force, inputs: [scenario], brokenPipe: .endsRunQuietly)
            let result = try synthesize(parsed, output: out, comment: "synthesized by roamcap synth from \(baseName(scenario))")
            var topologyPath = topologyOutput
            if topologyPath == nil && output != "-" {
                var stem = output
                for suffix in [".zst", ".gz", ".pcapng", ".pcap"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count) }
                topologyPath = stem + ".topology.yaml"
            }
            if let topologyPath {
                let file = try OutputFile(path: topologyPath, compressed: false, force: force, inputs: [scenario], brokenPipe: .endsRunQuietly)
                try file.write(Array(("# topology for " + baseName(output) + ", written by roamcap synth\n"
                                      + result.topology.yaml).utf8))
                try file.commit()
            }
            guard output != "-" else { return }
            // The ground truth as checks for 'roamcap verify', beside the trace.
            var stem = output
            for suffix in [".zst", ".gz", ".pcapng", ".pcap"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count) }
            let expectPath = stem + ".expect.yaml"
            let expectDirectory = expectPath.lastIndex(of: "/").map { String(expectPath[..<$0]) }
            let topologyDirectory = topologyPath?.lastIndex(of: "/").map { String(topologyPath![..<$0]) }
            let topologyName = topologyDirectory == expectDirectory ? baseName(topologyPath!) : absolutePath(topologyPath!)
            let expectFile = try OutputFile(path: expectPath, compressed: false, force: force, inputs: [scenario], brokenPipe: .endsRunQuietly)
            try expectFile.write(Array(synthExpectationsYAML(result, scenarioName: baseName(scenario), trace: baseName(output),
                                                             topology: topologyName).utf8))
            try expectFile.commit()
            let rows = result.expected.map { move -> TableEvent in
                TableEvent(time: move.time, packet: move.packet, kind: move.kind, segment: move.segment, mac: move.mac,
                           from: move.from, to: move.to, evidence: move.evidence)
            }
            switch report.format {
            case .json:
                writeStandardOutput(JSONValue.array(rows.map { $0.json(result.topology) }).pretty() + "\n")
            case .ndjson:
                writeStandardOutput(rows.map { $0.json(result.topology).rendered() + "\n" }.joined())
            case .csv, .table:
                if report.format == .table {
                    writeStandardOutput("\(output): \(result.packets) packets, \(result.expected.count) moves\n")
                }
                writeStandardOutput(Report(columns: TableEvent.flatColumns, rows: rows.map { $0.flatJSON(result.topology) })
                    .rendered(report.format))
            }
        }
    }
}

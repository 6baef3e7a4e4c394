import ArgumentParser
import RoamcapKit

extension Roamcap {
    struct Tables: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild MAC tables and ARP/ND bindings from the packets and report every move (arpwatch's job, across sites).",
            discussion: """
            The inputs are merged in time order (ties: input order). Each capture interface is \
            mapped to a site's access port by the topology (--topology, see 'roamcap topology'); \
            without one, every capture interface is a site of its own with one port p1. Each \
            site learns (VLAN, MAC) → port from the source of every frame it captures (VXLAN is \
            decapsulated: inner frames count, keyed by their VNI); entries age out after the \
            aging time. IP bindings come from ARP requests and replies (gratuitous ones too), \
            RARP replies, Neighbor Solicitations and Advertisements, and DHCP ACKs; they never \
            age, as in arpwatch.

            Events (one a line with --format ndjson): {"time", "packet", "event", "vlan", \
            ["segment": "vxlan"], "mac", "ip"?, "from"?: {"site", "port"}, "to"?: {"site", \
            "port"}, "evidence"?, "previousMac"?, "via"?, "moves"?}. event is new-station (a MAC \
            first seen, or seen again at a site after aging out there; or an IP first bound), \
            moved (same site, other port), migration (other site), flip-flop (an IP answered \
            again by its previous MAC), changed-mac (an IP answered by another MAC), duplicate-ip \
            (an IP flip-flopping within --duplicate-ip-window: two live stations), duplicate-mac \
            (--duplicate-moves moves within --duplicate-window, RFC 7432 §15) or aged-out. \
            evidence, for moves, is the first frame at the new place: garp, rarp, \
            unsolicited-na, dhcp or frame. via names the protocol of a binding: arp, rarp, nd, \
            dhcp. packet is the frame's number in the time-ordered input (for aged-out: the last \
            frame that refreshed the entry).

            The captured control plane (SPEC §8) is read from every capture interface, claimed \
            by a port or not (a SPAN of the route reflector is no access port): BGP sessions on \
            TCP 179 (--bgp-port) and BMP feeds on 11019 (--bmp-port) are reassembled and each \
            EVPN MAC/IP route (type 2) advertised or withdrawn is an event evpn-advertise or \
            evpn-withdraw at the capture time of the segment completing its UPDATE, with "site" \
            (the topology's 'evpn' entries: next hop, then RD; null when none claims it), \
            "vni", "rd", "nextHop", "seq" (MAC Mobility, null without it) and "sticky"; vlan is \
            the VLAN 'evpn-vnis' gives the VNI, else the VNI (with "segment": "vxlan"). A route \
            repeated as it stands (a reflector's copy to another client) is not reported again. \
            When the capture holds EVPN routes, each migration gains "advertised" (the first \
            advertisement of the MAC from its new site at or after it) and "advertiseDelay" \
            (seconds), both null when none was captured. A higher MAC Mobility sequence number \
            counts as a move: --duplicate-moves of them within --duplicate-window is a \
            duplicate-mac with evidence evpn (RFC 7432 §15).

            --at TIME prints the MAC table of every site and the IP bindings as they stood at \
            that moment, with the EVPN MAC/IP routes standing (JSON: {"time", "mac": [{"site", \
            "port", "vlan", "mac", "learned", "lastSeen"}], "arp": [{"vlan", "ip", "mac", "via", \
            "site"?, "port"?, "since", "lastSeen"}], "evpn": [{"site", "vlan", "mac", "ip"?, \
            "vni", "rd", "nextHop", "seq", "sticky", "advertised", "packet"}]}). --mac, --ip and --vlan follow one station through time (with --ip, \
            also the moves of every MAC bound to that address).
            """)

        @Argument(help: ArgumentHelp("Capture files ('-' for standard input, once).", valueName: "input"), completion: .file())
        var inputs: [String]

        @Option(name: .long, help: ArgumentHelp("Topology file (YAML): sites, ports, control plane.", valueName: "file"), completion: .file())
        var topology: String?

        @Option(name: .long, help: ArgumentHelp(
            "Print the tables as they stood at this time: RFC 3339 or seconds after the first packet.",
            valueName: "time"))
        var at: TimeBound?

        @Option(name: .long, help: ArgumentHelp("Follow one MAC address.", valueName: "mac"))
        var mac: String?

        @Option(name: .long, help: ArgumentHelp("Follow one IP address (and the MACs bound to it).", valueName: "ip"))
        var ip: String?

        @Option(name: .long, help: ArgumentHelp("Keep one VLAN (or VNI).", valueName: "id"))
        var vlan: UInt32?

        @Option(name: .long, help: ArgumentHelp(
            "MAC aging time at every site (default: the topology's, else 300s).", valueName: "duration"))
        var aging: DurationValue?

        @OptionGroup var duplicates: TableDuplicateOptions

        @OptionGroup var controlPlane: ControlPlaneOptions
        @OptionGroup var report: ReportOptions
        @OptionGroup var tableLayout: TableLayoutOptions
        @OptionGroup var selection: SelectionOptions
        @OptionGroup var reading: ReadFilterOptions
        @OptionGroup var decoding: DecodingOptions
        @OptionGroup var sharding: ShardOptions
        @OptionGroup var shardOutput: ShardOutputOptions

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("tables needs at least one input") }
            if inputs.filter({ $0 == "-" }).count > 1 {
                throw ValidationError("standard input ('-') can be read only once")
            }
            if let mac, MACAddress(mac) == nil { throw ValidationError("--mac '\(mac)' is not a MAC address") }
            if let ip, IPAddress(ip) == nil { throw ValidationError("--ip '\(ip)' is not an IP address") }
            warnAboutUndecodedLinkTypes(inputs)
        }

        var settings: TableSettings { duplicates.settings(aging: aging?.nanoseconds) }

        func request() -> TablesRequest {
            var request = TablesRequest(inputs: inputs, topology: topology)
            request.settings = settings
            request.controlPlane = controlPlane.settings
            request.selection = selection.request(readFilter: reading.readFilter, decoding: decoding)
            request.at = at
            request.station = StationFilter(mac: mac.flatMap(MACAddress.init), ip: ip.flatMap(IPAddress.init), vlan: vlan)
            return request
        }

        func run() throws {
            if let shard = try sharding.request() { return try runShard(shard) }
            let progress = ProgressLine(label: "tables")
            let outcome = try runTables(request(), progress: progress.advance)
            progress.finish()
            reading.note(command: "the tables")
            warn(outcome.warnings)
            // An input ended by a read error: the report covers the packets before it, then the error.
            defer { if let error = outcome.endingError { Roamcap.fail(error.description) } }
            writeStandardOutput(outcome.rendered(report.format, layout: tableLayout.layout(first: outcome.result.firstTime)))
        }
    }
}

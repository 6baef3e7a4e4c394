import ArgumentParser
import RoamcapKit
#if canImport(Glibc)
import Glibc
#endif

extension Roamcap {
    struct BGP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bgp",
            abstract: "List every route of every BGP UPDATE in the captures, one route per row (BGP EVPN and BMP).",
            discussion: """
            The inputs are merged in time order (ties: input order). Every TCP segment to or \
            from a BGP port (--bgp-port, default 179) or a BMP port (--bmp-port, default 11019) \
            is taken, whatever the capture interface; each direction of each connection is \
            reassembled in sequence order (retransmissions, duplicates, overlaps and \
            out-of-order segments; at most 1 MiB held out of order per direction) and cut into \
            messages. A hole that is never filled is reported as a gap on standard error, and \
            reading resumes at the next BGP marker (for BMP: at the next route monitoring \
            message). A message counts at the capture time of the segment that completed it. \
            BMP route monitoring messages are read for the BGP UPDATE they carry.

            Every route of every UPDATE is one record: the withdrawn routes, MP_UNREACH_NLRI, \
            MP_REACH_NLRI and NLRI, in that order. Families: L2VPN EVPN (AFI 25, SAFI 70; route \
            types 1 to 5, RFC 7432 and RFC 9136), IPv4 and IPv6 unicast. 4-byte AS numbers and \
            ADD-PATH path identifiers follow the session's OPENs when they were captured (for BMP: \
            the peer up message and the A flag); without them AS_PATH is read as 4-byte numbers \
            when it parses as such, and path identifiers are expected where the NLRI only parse \
            with them. Between 2-byte speakers, AS4_PATH is merged into AS_PATH (RFC 6793). An \
            attribute that cannot be read is left out and the rest of the UPDATE still listed \
            (counted on standard error).

            Records (one a line with --format ndjson): {"time", "packet", "session" ("src:port -> \
            dst:port"), "via" (bgp or bmp), "peer" (the speaker that sent the route: the TCP \
            source, or BMP's monitored peer), "peerAs" (BMP only, else null), "action" (advertise \
            or withdraw), "afi", "safi", "routeType" (EVPN route type 1-5, else null), "rd" (as \
            tshark writes it: 192.0.2.1:100, 65000:100), "esi", "ethernetTag", "mac", "ip", \
            "prefix" (unicast prefixes and EVPN type 5), ["gateway" (type 5)], "labels" (MPLS \
            labels, 20 bits, when the route has no VXLAN encapsulation), "vni" (the 24-bit label \
            1 with VXLAN encapsulation, RFC 8365), "vni2" (label 2 likewise), "pathId", "nextHop", \
            "seq" and "sticky" (MAC Mobility), "routeTargets", "encapsulation" (RFC 9012 tunnel \
            types: vxlan, nvgre, mpls, ...), "origin", "asPath", "med", "localPref"}; absent \
            values are null.

            With --topology, each EVPN record also gets "site" (after "peerAs"): the site whose \
            'evpn: { next-hops }' holds the route's next hop, else the first whose \
            'route-distinguishers' (written as tshark writes RDs, '*' for any part) match its RD, \
            else null (unattributed, counted on standard error); and "vlan": the VLAN that the \
            topology's 'evpn-vnis: { VNI: VLAN }' gives the route's VNI (the VNI itself when it is \
            not listed). Only those keys of the topology file are read here.
            """)

        @Argument(help: ArgumentHelp("Capture files ('-' for standard input, once).", valueName: "input"))
        var inputs: [String]

        @OptionGroup var controlPlane: ControlPlaneOptions

        @Option(name: .long, help: ArgumentHelp(
            "Topology file (YAML) whose 'evpn' entries (per site) and 'evpn-vnis' attribute routes to sites.",
            valueName: "file"))
        var topology: String?

        @Flag(name: .long, help: "Skip unreadable records (counted and reported) instead of stopping with an error.")
        var keepGoing = false

        @OptionGroup var report: ReportOptions

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("bgp needs at least one input") }
            if inputs.filter({ $0 == "-" }).count > 1 {
                throw ValidationError("standard input ('-') can be read only once")
            }
        }

        func run() throws {
            var evpnTopology: EVPNTopology?
            if let topology {
                do { evpnTopology = try EVPNTopology.parse(YAMLValue.load(path: topology)) } catch {
                    throw RoamcapFailure(message: error.description)
                }
            }
            let settings = controlPlane.settings
            // Each message's routes share a time: format it once.
            var lastTime: Timestamp?
            var lastText = ""
            func timeText(_ time: Timestamp) -> String {
                if time != lastTime {
                    lastTime = time
                    lastText = time.rfc3339
                }
                return lastText
            }
            // NDJSON is streamed as routes are decoded, a buffer at a time, through the byte
            // writer (the same text as JSONValue's); the other formats need every row first.
            var writer = JSONLineWriter()
            var onRoute: ((BGPRouteRecord) -> Void)?
            if report.format == .ndjson {
                onRoute = { route in
                    writer.append(route.json(topology: evpnTopology, timeText: timeText(route.time)))
                    writer.append(byte: UInt8(ascii: "\n"))
                    if writer.bytes.count >= 1 << 16 {
                        Self.write(writer.bytes)
                        writer.removeAll()
                    }
                }
            }
            // EVPN routes no site of the topology claims, and their next hops (for the warning).
            var evpnCount = 0
            var unattributedCount = 0
            var unclaimedHops: [String] = []
            func count(_ route: BGPRouteRecord) {
                guard let evpnTopology, let evpn = route.evpn else { return }
                evpnCount += 1
                if evpnTopology.site(nextHop: route.attributes.nextHop, routeDistinguisher: evpn.routeDistinguisher) == nil {
                    unattributedCount += 1
                    let hop = route.attributes.nextHop.map(\.description) ?? "none"
                    if !unclaimedHops.contains(hop) { unclaimedHops.append(hop) }
                }
            }
            let countingOnRoute: ((BGPRouteRecord) -> Void)? = onRoute.map { write in
                { route in
                    count(route)
                    write(route)
                }
            }
            let progress = ProgressLine(label: "bgp")
            let result = try readControlPlane(inputs: inputs, settings: settings, reading: ReadOptions(keepGoing: keepGoing), progress: {
                read, total, packets in progress.update(read: read, total: total, packets: packets)
            }, onRoute: countingOnRoute)
            progress.finish()
            Self.write(writer.bytes)
            for gap in result.gaps {
                warn("\(gap.via) \(gap.session): \(gap.length) bytes lost at stream offset \(gap.offset) "
                     + "(packet \(gap.packet), \(gap.time.rfc3339)); resumed at the next marker")
            }
            if result.malformed > 0 {
                let first = result.firstProblem.map { " (first: packet \($0.packet), \($0.error))" } ?? ""
                warn("\(result.malformed) messages could not be decoded in full\(first)")
            }
            warn(result.pass.warnings())
            var columns = BGPRouteRecord.columns
            if let evpnTopology {
                if onRoute == nil { result.routes.forEach(count) }
                if unattributedCount > 0 {
                    warn("\(unattributedCount) of \(evpnCount) EVPN routes match no site of the topology "
                         + "(next hops: \(unclaimedHops.joined(separator: ", ")))")
                }
                columns.insert(contentsOf: ["site", "vlan"], at: columns.firstIndex(of: "action")!)
            }
            if onRoute != nil { return }
            let rows = result.routes.map { $0.json(topology: evpnTopology, timeText: timeText($0.time)) }
            writeStandardOutput(Report(columns: columns, rows: rows).rendered(report.format))
        }

        /// Writes bytes to standard output.
        static func write(_ bytes: [UInt8]) {
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + done, $0.count - done) }
                if n <= 0 { break }
                done += n
            }
        }
    }
}

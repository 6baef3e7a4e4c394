import ArgumentParser
import CaptureFile
import RoamcapKit

extension Roamcap {
    struct TopologyCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "topology",
            abstract: "Check a topology file (sites, ports, control plane) against captures.",
            discussion: """
            A topology file (YAML) describes the sites, each site's access ports and the capture \
            point that sees each port (a pcapng interface name, if_name, or an input file name), \
            the control-plane settings and the NAT's VM-side interfaces:

              sites:
                A: { ports: { p1: "dcA-eth1", p2: "dcA-eth2" } }
                B: { ports: { p1: "dcB-eth1" } }
                C: { ports: { p1: "dcC-eth1" }, advertise-delay: 3.5s }
              control-plane: { advertise-delay: 2s, aging: 300s, unknown-unicast: flood }
              nat:
                vm-side: ["dcC-eth1"]

            Durations are written 2s, 3.5s, 250ms or 1m. A site may override advertise-delay and \
            aging. Errors name the file, the line and column, and what was expected. Without a \
            topology, commands treat each capture interface as a site of its own with one port p1.
            """,
            subcommands: [Check.self])

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Validate a topology file; with traces, map their interfaces to ports.",
                discussion: """
                Prints the sites, ports and capture points. With traces, lists every capture \
                interface and the port that claims it, warns about ports no interface matches, \
                and exits with status 1 when some capture interface is claimed by no port (its \
                packets would be ignored). An invalid file exits with status 2 and an error naming \
                its line and column.
                """)

            @Argument(help: ArgumentHelp("Topology file (YAML).", valueName: "topology"), completion: .file())
            var file: String

            @Argument(help: ArgumentHelp("Captures whose interfaces the topology should claim.", valueName: "trace"), completion: .file())
            var traces: [String] = []

            @OptionGroup var report: ReportOptions

            func run() throws {
                let topology: Topology
                do { topology = try Topology.load(path: file) } catch { throw RoamcapFailure(message: error.description) }
                let map = CapturePortMap(topology: topology, files: traces)
                var interfaces: [(file: String, name: String, port: Topology.PortID?)] = []
                for (i, trace) in traces.enumerated() {
                    let reader = try CaptureReader(path: trace)
                    var seen = 0
                    func register() {
                        while seen < reader.interfaces.count {
                            let id = map.register(file: i, index: seen, interface: reader.interfaces[seen])
                            interfaces.append((trace, CapturePortMap.captureName(interface: reader.interfaces[seen],
                                                                                   index: seen, file: trace), id))
                            seen += 1
                        }
                    }
                    while try reader.next() != nil { register() }
                    register()
                }
                var matches: [Topology.PortID: Int] = [:]
                for item in interfaces { if let port = item.port { matches[port, default: 0] += 1 } }
                var portRows: [JSONValue] = []
                for (s, site) in topology.sites.enumerated() {
                    for (p, port) in site.ports.enumerated() {
                        let id = Topology.PortID(site: s, port: p)
                        var fields: [(String, JSONValue)] = [
                            ("site", .string(site.name)), ("port", .string(port.name)), ("capture", .string(port.capture)),
                            ("advertiseDelay", .string(durationText(topology.advertiseDelay(site: s)))),
                            ("aging", .string(durationText(topology.aging(site: s)))),
                            ("vmSide", .bool(topology.vmSide.contains(port.capture))),
                        ]
                        if !traces.isEmpty { fields.append(("interfaces", .int(Int64(matches[id] ?? 0)))) }
                        portRows.append(.object(fields))
                    }
                }
                let interfaceRows: [JSONValue] = interfaces.map { item in
                    .object([("file", .string(item.file)), ("interface", .string(item.name)),
                             ("site", item.port.map { .string(topology.names(of: $0).site) } ?? .null),
                             ("port", item.port.map { .string(topology.names(of: $0).port) } ?? .null)])
                }
                switch report.format {
                case .json:
                    writeStandardOutput(JSONValue.object([
                        ("file", .string(file)), ("valid", .bool(true)),
                        ("unknownUnicast", .string(topology.controlPlane.unknownUnicast.rawValue)),
                        ("ports", .array(portRows)), ("interfaces", .array(interfaceRows)),
                        ("unclaimed", .array(map.unclaimed.map { .string($0) })),
                    ]).pretty() + "\n")
                case .ndjson:
                    writeStandardOutput((portRows + interfaceRows).map { $0.rendered() + "\n" }.joined())
                case .csv, .table:
                    var columns = ["site", "port", "capture", "advertiseDelay", "aging", "vmSide"]
                    if !traces.isEmpty { columns.append("interfaces") }
                    var text = ""
                    if report.format == .table {
                        text += "\(file): valid, \(topology.sites.count) sites, "
                            + "\(topology.sites.reduce(0) { $0 + $1.ports.count }) ports, "
                            + "unknown-unicast \(topology.controlPlane.unknownUnicast.rawValue)\n\n"
                    }
                    text += Report(columns: columns, rows: portRows).rendered(report.format)
                    if !interfaceRows.isEmpty {
                        if report.format == .table { text += "\n" }
                        text += Report(columns: ["file", "interface", "site", "port"], rows: interfaceRows).rendered(report.format)
                    }
                    writeStandardOutput(text)
                }
                if !traces.isEmpty {
                    for (s, site) in topology.sites.enumerated() {
                        for (p, port) in site.ports.enumerated() where matches[Topology.PortID(site: s, port: p)] == nil {
                            warn("port \(site.name)/\(port.name) (\(port.capture)) matches no capture interface of the traces")
                        }
                    }
                }
                for name in map.unclaimed {
                    warn("capture interface \(name) is claimed by no port")
                }
                // nat.vm-side names must name an interface or file of the traces.
                var unmatchedVMSide: [String] = []
                if !traces.isEmpty {
                    let names = Set(interfaces.map(\.name) + traces + traces.map(baseName))
                    unmatchedVMSide = topology.vmSide.filter { !names.contains($0) }
                    for name in unmatchedVMSide {
                        warn("nat.vm-side '\(name)' matches no capture interface of the traces")
                    }
                }
                if !map.unclaimed.isEmpty || !unmatchedVMSide.isEmpty { throw ExitCode(1) }
            }
        }
    }
}

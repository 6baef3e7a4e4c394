import ArgumentParser
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
                packets would be ignored). The traces' BGP sessions (TCP 179, --bgp-port) and \
                BMP feeds (11019, --bmp-port) are read too: the next hops of EVPN routes that no \
                site's 'evpn' entry claims (by next hop or route distinguisher) are listed \
                (JSON: "unclaimedNextHops") with a warning; their routes would be unattributed. An invalid file exits with status 2 and an error naming \
                its line and column.
                """)

            @Argument(help: ArgumentHelp("Topology file (YAML).", valueName: "topology"), completion: .file())
            var file: String

            @Argument(help: ArgumentHelp("Captures whose interfaces the topology should claim.", valueName: "trace"), completion: .file())
            var traces: [String] = []

            @OptionGroup var controlPlane: ControlPlaneOptions
            @OptionGroup var report: ReportOptions

            func run() throws {
                let topology: Topology
                do { topology = try Topology.load(path: file) } catch { throw RoamcapFailure(message: error.description) }
                let check = try TopologyCheck(file: file, topology: topology, traces: traces,
                                              controlPlane: controlPlane.settings)
                writeStandardOutput(check.rendered(report.format))
                for id in check.unmatchedPorts {
                    let names = topology.names(of: id)
                    let capture = topology.sites[Int(id.site)].ports[Int(id.port)].capture
                    warn("port \(names.site)/\(names.port) (\(capture)) matches no capture interface of the traces")
                }
                for name in check.unclaimed {
                    warn("capture interface \(name) is claimed by no port")
                }
                if !check.unclaimedNextHops.isEmpty {
                    warn("EVPN next hops no site claims: " + check.unclaimedNextHops.map(\.description).joined(separator: ", ")
                         + " (add them to a site's evpn: { next-hops: [...] })")
                }
                // nat.vm-side names must name an interface or file of the traces.
                var unmatchedVMSide: [String] = []
                if !traces.isEmpty {
                    let names = Set(check.interfaces.map(\.name) + traces + traces.map(baseName))
                    unmatchedVMSide = topology.vmSide.filter { !names.contains($0) }
                    for name in unmatchedVMSide {
                        warn("nat.vm-side '\(name)' matches no capture interface of the traces")
                    }
                }
                if !check.unclaimed.isEmpty || !unmatchedVMSide.isEmpty { throw ExitCode(1) }
            }
        }
    }
}

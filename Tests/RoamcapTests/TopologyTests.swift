import CaptureFile
import RoamcapKit
import Testing

/// Topology files: the SPEC §3 example, errors with line and column, the default topology.
@Suite struct TopologyTests {
    static let specExample = """
        sites:
          A: { ports: { p1: "dcA-eth1", p2: "dcA-eth2" } }   # port name: capture interface or file name
          B: { ports: { p1: "dcB-eth1" } }
          C: { ports: { p1: "dcC-eth1" }, advertise-delay: 3.5s }
        control-plane: { advertise-delay: 2s, aging: 300s, unknown-unicast: flood }
        nat:                                  # optional: interfaces that face the VMs
          vm-side: ["dcC-eth1"]
        """

    @Test func readsTheSpecExample() throws {
        let topology = try Topology.parse(Self.specExample, file: "t.yaml")
        #expect(topology.sites.map(\.name) == ["A", "B", "C"])
        #expect(topology.sites[0].ports == [Topology.Port(name: "p1", capture: "dcA-eth1"),
                                            Topology.Port(name: "p2", capture: "dcA-eth2")])
        #expect(topology.advertiseDelay(site: 2) == 3_500_000_000)
        #expect(topology.advertiseDelay(site: 0) == 2_000_000_000)
        #expect(topology.aging(site: 1) == 300_000_000_000)
        #expect(topology.controlPlane.unknownUnicast == .flood)
        #expect(topology.vmSide == ["dcC-eth1"])
        #expect(topology.port(capture: "dcA-eth2") == Topology.PortID(site: 0, port: 1))
        #expect(topology.port(interfaceName: nil, file: "/captures/dcB-eth1") == Topology.PortID(site: 1, port: 0))
        #expect(topology.isVMSide(interfaceName: "dcC-eth1", file: "x.pcapng"))
        #expect(!topology.isVMSide(interfaceName: "dcA-eth1", file: "x.pcapng"))
        // What `yaml` writes reads back the same.
        let again = try Topology.parse(topology.yaml, file: "again.yaml")
        #expect(again.sites == topology.sites && again.controlPlane == topology.controlPlane && again.vmSide == topology.vmSide)
    }

    static let badFiles: [(String, Int, Int, String)] = [
        ("sites:\n  A: { ports: { p1: x } }\ncontrol-plane: { aging: soon }\n", 3, 25, "expected aging (a duration"),
        ("sites:\n  A: { ports: { p1: x } }\nsite: {}\n", 3, 1, "unknown key 'site' in a topology, expected one of: sites"),
        ("sites:\n  A: { prts: { p1: x } }\n", 2, 8, "unknown key 'prts' in site 'A'"),
        ("sites:\n  A: { advertise-delay: 1s }\n", 2, 3, "expected 'ports' in site 'A'"),
        ("sites:\n  A: { ports: [p1] }\n", 2, 15, "expected ports of site 'A'"),
        ("control-plane: {}\n", 1, 1, "expected a 'sites' mapping"),
        ("sites:\n  A: { ports: { p1: x }\n", 3, 1, "invalid YAML"),
        ("sites: { A: { ports: { p1: x } } }\ncontrol-plane: { unknown-unicast: maybe }\n", 2, 35,
         "expected unknown-unicast to be flood or drop"),
    ]

    @Test(arguments: badFiles)
    func errorsNameLineColumnAndWhatWasExpected(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        do {
            _ = try Topology.parse(text, file: "bad.yaml")
            Issue.record("accepted a bad topology: \(text)")
        } catch {
            #expect(error.file == "bad.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("bad.yaml:\(line):\(column): "))
        }
    }

    @Test func twoPortsCannotClaimOneCapture() {
        #expect(throws: TopologyError.self) {
            try Topology.parse("sites:\n  A: { ports: { p1: eth0 } }\n  B: { ports: { p1: eth0 } }\n", file: "t.yaml")
        }
    }

    @Test func defaultTopologyGivesEachInterfaceItsSite() {
        let map = CapturePortMap(topology: nil, files: ["/x/a.pcap", "b.pcapng"])
        let a = map.register(file: 0, index: 0, interface: InterfaceDescription(linkType: 1, snapLength: 65535))
        let b0 = map.register(file: 1, index: 0, interface: InterfaceDescription(
            linkType: 1, snapLength: 65535, options: [BlockOption(code: 2, string: "eth0")]))
        let b1 = map.register(file: 1, index: 1, interface: InterfaceDescription(linkType: 1, snapLength: 65535))
        #expect(a == Topology.PortID(site: 0, port: 0))
        #expect(b0 == Topology.PortID(site: 1, port: 0))
        #expect(b1 == Topology.PortID(site: 2, port: 0))
        #expect(map.topology.sites.map(\.name) == ["a.pcap", "eth0", "b.pcapng#1"])
        #expect(map.topology.sites.allSatisfy { $0.ports.map(\.name) == ["p1"] })
        #expect(map.unclaimed.isEmpty)
    }

    @Test func checkReportsUnclaimedInterfaces() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let topology = dir + "/t.yaml"
        TestSupport.writeFile(topology, Array("sites:\n  A: { ports: { p1: dcA.pcap } }\n".utf8))
        let fixtures = TestSupport.root + "/fixtures"
        let ok = TestSupport.run(TestSupport.binary, ["topology", "check", topology, fixtures + "/dcA.pcap"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let partial = TestSupport.run(TestSupport.binary, ["topology", "check", topology, fixtures + "/dcA.pcap",
                                                           fixtures + "/dcB.pcapng"])
        #expect(partial.status == 1)
        #expect(partial.stderr.contains("dcB.pcapng: dcB-eth1 is claimed by no port"), "\(partial.stderr)")
        TestSupport.writeFile(topology, Array("sites:\n  A: { ports: { p1: dcA.pcap } }\ncontrol-plane: { aging: x }\n".utf8))
        let bad = TestSupport.run(TestSupport.binary, ["topology", "check", topology])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("roamcap: error: \(topology):3:25: expected aging"), "\(bad.stderr)")
    }
}

import CaptureFile
import PacketWire
import RoamcapKit
import Testing

/// SPEC §2 (amended): the fabric forwards and judges every frame by its outermost Ethernet
/// header; a VXLAN payload is opaque to the edge devices. Two VTEPs, one behind A/p1 and one
/// behind C/p1, carry a tenant whose VM 02:…:51 appears behind the other VTEP at 10 s: the
/// tenant's overlay moved it, the DCI saw nothing move.
@Suite struct FabricOuterFrameTests {
    static let vtepA = MACAddress(0x02, 0xAA, 0, 0, 0, 0x01)
    static let vtepC = MACAddress(0x02, 0xAA, 0, 0, 0, 0x03)
    static let vm1 = MACAddress(0x02, 0, 0, 0, 0, 0x51)
    static let vm2 = MACAddress(0x02, 0, 0, 0, 0, 0x52)

    /// Ethernet/IPv4/UDP to 4789/VXLAN (VNI 5000)/Ethernet inner frame.
    static func vxlanFrame(outer: (MACAddress, MACAddress), inner: (MACAddress, MACAddress)) -> [UInt8] {
        func mac(_ m: MACAddress) -> [UInt8] { m.description.split(separator: ":").map { UInt8($0, radix: 16)! } }
        let innerFrame = mac(inner.1) + mac(inner.0) + [0x88, 0xB5] + [UInt8](repeating: 0x55, count: 46)
        let udpLength = 8 + 8 + innerFrame.count
        let ipLength = 20 + udpLength
        return mac(outer.1) + mac(outer.0) + [0x08, 0x00]
            + [0x45, 0, UInt8(ipLength >> 8), UInt8(ipLength & 0xFF), 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 3]
            + [0xC0, 0x00, 0x12, 0xB5, UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0]
            + [0x08, 0, 0, 0, 0x00, 0x13, 0x88, 0x00]
            + innerFrame
    }

    static func writeTrace(into dir: String) throws -> (trace: String, topology: String) {
        let trace = dir + "/overlay.pcapng"
        let writer = TraceWriter(output: try OutputFile(path: trace, force: true), format: .pcapng)
        try writer.beginSection(SectionHeader())
        for name in HandScenario.interfaces {
            _ = try writer.addInterface(InterfaceDescription(
                linkType: 1, snapLength: 262_144,
                options: [BlockOption(code: InterfaceDescription.OptionCode.name, string: name),
                          BlockOption(code: InterfaceDescription.OptionCode.timestampResolution, value: [9])],
                timestampResolution: 9))
        }
        // (seconds, interface, outer source → destination, inner source → destination)
        let frames: [(Int64, Int, (MACAddress, MACAddress), (MACAddress, MACAddress))] = [
            (1, 0, (vtepA, vtepC), (vm1, vm2)),
            (2, 3, (vtepC, vtepA), (vm2, vm1)),
            (3, 0, (vtepA, vtepC), (vm1, vm2)),
            (10, 3, (vtepC, vtepA), (vm1, vm2)),  // vm1 now behind VTEP C: the overlay's move
            (11, 0, (vtepA, vtepC), (vm2, vm1)),
        ]
        for (i, (s, interface, outer, inner)) in frames.enumerated() {
            let data = vxlanFrame(outer: outer, inner: inner)
            var failure: CaptureError?
            data.withUnsafeBytes { raw in
                let packet = Packet(timestamp: HandScenario.start.adding(nanoseconds: s * 1_000_000_000), interface: interface,
                                    originalLength: raw.count, data: raw, number: i + 1)
                do { try writer.write(packet, interfaceID: interface, keepTicks: false) } catch let error as CaptureError { failure = error } catch { fatalError("\(error)") }
            }
            if let failure { throw failure }
        }
        try writer.finish()
        let topology = dir + "/overlay.topology.yaml"
        TestSupport.writeFile(topology, Array(HandScenario.topology.utf8))
        return (trace, topology)
    }

    @Test func tunnelPayloadsAreOpaqueToTheEdgeDevices() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try Self.writeTrace(into: dir)
        var destinations: Set<MACAddress> = []
        var segments: Set<Segment> = []
        let report = try simulateFabric(inputs: [trace], topology: try Topology.load(path: topology),
                                        options: FabricOptions(), onJudgment: { judgment, _, _ in
            destinations.insert(judgment.destination)
            segments.insert(judgment.segment)
        })
        // Every frame is judged by its outer header: VTEP to VTEP, on VLAN 0, all delivered.
        #expect(destinations == [Self.vtepA, Self.vtepC])
        #expect(segments == [Segment(vlan: 0)])
        #expect(report.migrations.isEmpty)
        for counts in report.counts {
            #expect(counts.frames == 5 && counts.delivered == 5)
        }
    }

    @Test func tablesStillShowTheTenantsView() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let (trace, topology) = try Self.writeTrace(into: dir)
        let tables = try rebuildTables(inputs: [trace], topology: try Topology.load(path: topology))
        // The overlay's move of vm1 (A → C, inside VNI 5000) is a tenant-view migration.
        #expect(tables.events.contains { $0.kind == .migration && $0.mac == Self.vm1 && $0.segment.isVXLAN })
    }
}

import PacketFilter
import Testing

@Suite struct PacketFilterTests {
    /// Ethernet / [802.1Q tags…] / IPv4 / UDP 10.1.0.1:12345 → 10.1.0.2:53.
    static func frame(tags: [UInt16] = [], outerType: UInt16 = 0x8100) -> [UInt8] {
        var f: [UInt8] = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]
        for (i, vlan) in tags.enumerated() {
            let type = i == 0 ? outerType : 0x8100
            f += [UInt8(type >> 8), UInt8(type & 0xFF), UInt8(vlan >> 8), UInt8(vlan & 0xFF)]
        }
        f += [0x08, 0x00, 0x45, 0, 0, 30, 0, 1, 0, 0, 64, 17, 0, 0, 10, 1, 0, 1, 10, 1, 0, 2,
              0x30, 0x39, 0x00, 0x35, 0, 10, 0, 0, 0xAA, 0xBB]
        return f
    }

    func matches(_ filter: PacketFilter, _ bytes: [UInt8]) throws -> Bool {
        try bytes.withUnsafeBytes { try filter.matches($0, originalLength: bytes.count, linkType: 1) }
    }

    @Test func matchesThroughVLANAndQinQTagsByDefault() throws {
        let filter = try PacketFilter(expression: "host 10.1.0.2 and udp port 53")
        #expect(try matches(filter, Self.frame()))
        #expect(try matches(filter, Self.frame(tags: [42])))
        #expect(try matches(filter, Self.frame(tags: [100, 42], outerType: 0x88A8)))
        let other = try PacketFilter(expression: "host 10.9.9.9")
        #expect(try !matches(other, Self.frame(tags: [42])))
    }

    @Test func strictVLANGivesTcpdumpBehaviour() throws {
        let filter = try PacketFilter(expression: "host 10.1.0.2", strictVLAN: true)
        #expect(try matches(filter, Self.frame()))
        #expect(try !matches(filter, Self.frame(tags: [42])))
    }

    @Test func expressionsNamingVLANAreMatchedAsCaptured() throws {
        let filter = try PacketFilter(expression: "vlan 42 and host 10.1.0.2")
        #expect(!filter.matchesThroughTags)
        #expect(try matches(filter, Self.frame(tags: [42])))
        #expect(try !matches(filter, Self.frame(tags: [43])))
        #expect(try !matches(filter, Self.frame()))
    }

    @Test func syntaxErrorsAreReportedWithTheExpression() {
        #expect(throws: FilterError.self) { try PacketFilter(expression: "host and and") }
        do { _ = try PacketFilter(expression: "portt 80") } catch {
            #expect(error.description.hasPrefix("filter 'portt 80' (link type 1): "))
        }
    }

    @Test func compilesPerLinkType() throws {
        let filter = try PacketFilter(expression: "udp")
        // Raw IPv4 (LINKTYPE_RAW 101): the same packet without the Ethernet header.
        let ip = Array(Self.frame().dropFirst(14))
        #expect(try ip.withUnsafeBytes { try filter.matches($0, originalLength: ip.count, linkType: 101) })
        #expect(LinkTypeName.name(1) == "EN10MB")
        #expect(LinkTypeName.name(113) == "LINUX_SLL")
    }
}

import Testing

@testable import PacketWire

@Suite struct MACAddressTests {
    @Test func describesInLowerCaseWithColons() {
        let address = MACAddress(0x00, 0x1B, 0x21, 0x3A, 0x4F, 0x5E)
        #expect(address.description == "00:1b:21:3a:4f:5e")
        #expect(address.rawValue == 0x001B_213A_4F5E)
        #expect(address.octet(0) == 0x00 && address.octet(5) == 0x5E)
    }

    @Test func parsesColonAndDashForms() {
        #expect(MACAddress("00:1B:21:3a:4f:5e") == MACAddress(rawValue: 0x001B_213A_4F5E))
        #expect(MACAddress("0-1b-21-3a-4f-5e") == MACAddress(rawValue: 0x001B_213A_4F5E))
        #expect(MACAddress("ff:ff:ff:ff:ff:ff") == .broadcast)
    }

    @Test(arguments: ["", "00:1b:21:3a:4f", "00:1b:21:3a:4f:5e:00", "00:1b:21:3a:4f:5g", "001:1b:21:3a:4f:5e",
        "00:1b-21:3a:4f:5e", "00::21:3a:4f:5e", "00:1b:21:3a:4f:", ":00:1b:21:3a:4f"])
    func rejectsMalformedText(_ text: String) {
        #expect(MACAddress(text) == nil)
    }

    @Test func classifiesAddresses() {
        #expect(MACAddress.broadcast.isBroadcast && MACAddress.broadcast.isMulticast)
        #expect(MACAddress("33:33:00:00:00:01")!.isMulticast)
        #expect(MACAddress("02:00:00:00:00:01")!.isLocallyAdministered)
        #expect(MACAddress("00:10:94:00:00:14")!.isUnicast)
        #expect(MACAddress.zero.isZero)
    }

    @Test func textRoundTripsForRandomAddresses() {
        var random = Xorshift(seed: 1)
        for _ in 0..<propertyCases {
            let address = random.mac()
            #expect(MACAddress(address.description) == address)
        }
    }

    @Test func readsFromBytesAndRejectsShortBuffers() throws {
        let bytes: [UInt8] = [0x6C, 0xF0, 0x49, 0xB2, 0xDE, 0x6E]
        let address = try withView(bytes) { try MACAddress($0) }
        #expect(address.description == "6c:f0:49:b2:de:6e")
        withView(Array(bytes.prefix(5))) { view in
            #expect(throws: WireError(.truncated, at: 5)) { try MACAddress(view) }
        }
    }
}

@Suite struct IPv4AddressTests {
    @Test func describesDottedDecimal() {
        #expect(IPv4Address(192, 0, 2, 1).description == "192.0.2.1")
        #expect(IPv4Address(rawValue: 0x0A00_0001).description == "10.0.0.1")
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "1.2.3.4 ", "a.b.c.d", "1.2.3.-4"])
    func rejectsMalformedText(_ text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test func parsesAndClassifies() {
        #expect(IPv4Address("0.0.0.0") == .any)
        #expect(IPv4Address("255.255.255.255")!.isBroadcast)
        #expect(IPv4Address("127.0.0.1")!.isLoopback)
        #expect(IPv4Address("224.0.0.251")!.isMulticast)
        #expect(IPv4Address("169.254.3.4")!.isLinkLocal)
        #expect(IPv4Address("172.16.0.1")!.isPrivate && IPv4Address("192.168.1.1")!.isPrivate)
        #expect(!IPv4Address("172.32.0.1")!.isPrivate)
        #expect(IPv4Address("10.1.2.3")!.isIn(network: IPv4Address("10.0.0.0")!, prefixLength: 8))
        #expect(!IPv4Address("11.1.2.3")!.isIn(network: IPv4Address("10.0.0.0")!, prefixLength: 8))
    }

    @Test func textRoundTripsForRandomAddresses() {
        var random = Xorshift(seed: 2)
        for _ in 0..<propertyCases {
            let address = random.ipv4()
            #expect(IPv4Address(address.description) == address)
        }
    }
}

@Suite struct IPv6AddressTests {
    /// RFC 5952 section 4 examples and edge cases: canonical text for given groups.
    static let canonical: [(String, String)] = [
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),  // one zero group is not compressed
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),  // the longer run wins
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),  // the first of equal runs wins
        ("2001:DB8::AAAA", "2001:db8::aaaa"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("1:0:0:0:0:0:0:0", "1::"),
        ("fe80::c000:54ff:fef5:0", "fe80::c000:54ff:fef5:0"),
        ("::ffff:192.0.2.128", "::ffff:192.0.2.128"),
        ("::ffff:c000:0280", "::ffff:192.0.2.128"),
        ("::192.0.2.128", "::c000:280"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
    ]

    @Test(arguments: canonical)
    func formatsAsRFC5952(_ input: String, _ expected: String) throws {
        let address = try #require(IPv6Address(input))
        #expect(address.description == expected)
        #expect(IPv6Address(expected) == address)
    }

    @Test(arguments: ["", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::",
        "1:2:3:4:5:6:7:8::", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:", "::1.2.3.4:5", "fe80::1%eth0",
        "1:2:3:4:5:6:7:1.2.3.4", "::256.1.1.1"])
    func rejectsMalformedText(_ text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test func classifies() throws {
        #expect(try #require(IPv6Address("ff02::1")).isMulticast)
        #expect(try #require(IPv6Address("fe80::1")).isLinkLocal)
        #expect(try #require(IPv6Address("fd00::1")).isUniqueLocal)
        #expect(try #require(IPv6Address("::1")).isLoopback)
        #expect(try #require(IPv6Address("::ffff:10.0.0.1")).ipv4Mapped == IPv4Address(10, 0, 0, 1))
        let target = try #require(IPv6Address("fe80::c000:54ff:fef5:0"))
        #expect(target.solicitedNodeMulticast == IPv6Address("ff02::1:fff5:0"))
        #expect(target.solicitedNodeMulticast.isSolicitedNodeMulticast)
        #expect(target.isIn(network: IPv6Address("fe80::")!, prefixLength: 10))
        #expect(!target.isIn(network: IPv6Address("fec0::")!, prefixLength: 10))
        #expect(target.group(1) == 0 && target.group(4) == 0xC000 && target.octet(15) == 0)
    }

    @Test func textRoundTripsForRandomAddresses() {
        var random = Xorshift(seed: 3)
        for index in 0..<propertyCases {
            // Zero some groups so that runs of zeros (and their compression) are common.
            var groups = (0..<8).map { _ in random.value(UInt16.self) }
            for group in 0..<8 where random.next() % 3 == 0 { groups[group] = 0 }
            if index % 10 == 0 { groups = [0, 0, 0, 0, 0, 0xFFFF, random.value(), random.value()] }
            let address = IPv6Address(
                groups[0], groups[1], groups[2], groups[3], groups[4], groups[5], groups[6], groups[7])
            let text = address.description
            #expect(IPv6Address(text) == address, "\(text)")
            #expect(!text.contains(":::"))
            #expect(text == text.lowercased())
        }
    }

    @Test func describesBothFamilies() {
        #expect(IPAddress("10.0.0.1") == .v4(IPv4Address(10, 0, 0, 1)))
        #expect(IPAddress("::1") == .v6(.loopback))
        #expect(IPAddress("2001:db8::1")?.description == "2001:db8::1")
        #expect(IPAddress("nonsense") == nil)
        #expect(IPAddress.v4(.any) < IPAddress.v6(.any))
    }
}

@Suite struct RegistryTests {
    @Test func unknownValuesSurvive() {
        #expect(EtherType(rawValue: 0x1234).rawValue == 0x1234)
        #expect(EtherType(rawValue: 0x1234).description == "0x1234")
        #expect(IPProtocol(rawValue: 253).description == "253")
        #expect(LinkType(rawValue: 147).description == "147")
    }

    @Test func namesKnownValues() {
        #expect(EtherType.ipv4.rawValue == 0x0800 && EtherType.ipv6.rawValue == 0x86DD)
        #expect(EtherType.arp.rawValue == 0x0806 && EtherType.rarp.rawValue == 0x8035)
        #expect(EtherType.vlan.isVLANTag && EtherType.qinq.isVLANTag && EtherType.vlanDoubleTag.isVLANTag)
        #expect(!EtherType.ipv4.isVLANTag)
        #expect(EtherType(rawValue: 46).isLength)
        #expect(IPProtocol.tcp.rawValue == 6 && IPProtocol.udp.rawValue == 17 && IPProtocol.icmpv6.rawValue == 58)
        #expect(IPProtocol.fragment.isIPv6ExtensionHeader && !IPProtocol.tcp.isIPv6ExtensionHeader)
        #expect(LinkType.linuxSLL2.rawValue == 276 && LinkType.loop.rawValue == 108)
        #expect(LinkType(linkTypeField: 0x1000_0001) == .ethernet)
        #expect(LinkType.ethernet.description == "ETHERNET")
    }

    @Test func switchesOverConstants() {
        func name(_ type: EtherType) -> String {
            switch type {
            case .ipv4: "v4"
            case .ipv6: "v6"
            default: "other"
            }
        }
        #expect(name(EtherType(rawValue: 0x0800)) == "v4")
        #expect(name(EtherType(rawValue: 0x0801)) == "other")
    }

    @Test func describesErrors() {
        #expect(WireError(.truncated, at: 14).description == "truncated at byte 14")
        #expect(WireError(.invalidField, at: 2).shifted(by: 14) == WireError(.invalidField, at: 16))
    }
}

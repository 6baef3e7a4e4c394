import Testing

@testable import PacketWire

@Suite struct UDPTests {
    // DNS query 10.0.0.8.50860 > 10.0.0.138.53 (pcapplusplus sll.pcap, packet 3, after IPv4).
    // Captured on the sending host with checksum offload: the field holds only the pseudo-header
    // sum (0x14cd), which the NIC would have completed.
    // 0x0000:  c6ac 0035 002a 14cd 0e26 0100 0001 0000  ...5.*...&......
    // 0x0010:  0000 0000 0564 6169 7379 0675 6275 6e74  .....daisy.ubunt
    // 0x0020:  7503 636f 6d00 0001 0001                 u.com.....
    static let datagram: [UInt8] = [
        0xc6, 0xac, 0x00, 0x35, 0x00, 0x2a, 0x14, 0xcd, 0x0e, 0x26, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x05, 0x64, 0x61, 0x69, 0x73, 0x79, 0x06, 0x75, 0x62, 0x75, 0x6e, 0x74,
        0x75, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
    ]

    static let source = IPv4Address(10, 0, 0, 8)
    static let destination = IPv4Address(10, 0, 0, 138)
    static var pseudoHeaderSum: UInt16 {
        Checksum.pseudoHeaderSum(source: source, destination: destination, protocol: .udp, length: 42)
    }

    static let header = UDPHeader(sourcePort: 50860, destinationPort: 53, payloadLength: 34)

    /// The datagram with the checksum the NIC would have written.
    static var completed: [UInt8] {
        var bytes = datagram
        setWord(&bytes, at: 6, 0x1DE5)
        return bytes
    }

    @Test func deconstruct() throws {
        try withView(Self.datagram) { bytes in
            let packet = try UDPPacket(bytes)
            #expect(packet.sourcePort == 50860)
            #expect(packet.destinationPort == 53)
            #expect(packet.length == 42)
            #expect(packet.checksum == 0x14CD)
            #expect(packet.checksum == Self.pseudoHeaderSum)
            #expect(!packet.isChecksumValid(pseudoHeaderSum: Self.pseudoHeaderSum))
            #expect(packet.payload.count == 34 && packet.payload.first == 0x0E)
            #expect(!packet.isTruncated)
        }
    }

    @Test func construct() throws {
        var bytes = try emitted(count: 8) { try Self.header.emit(into: $0) }
        bytes += Self.datagram[8...]
        try bytes.withUnsafeMutableBytes { buffer in
            let packet = try MutableUDPPacket(buffer)
            packet.setChecksum(Self.pseudoHeaderSum)  // as the offloading host left it
            #expect(Array(buffer) == Self.datagram)
            packet.fillChecksum(pseudoHeaderSum: Self.pseudoHeaderSum)
            #expect(packet.packet.checksum == 0x1DE5)
            #expect(packet.packet.isChecksumValid(pseudoHeaderSum: Self.pseudoHeaderSum))
        }
    }

    @Test func roundTrip() throws {
        #expect(try withView(Self.datagram) { UDPHeader(try UDPPacket($0)) } == Self.header)
        var random = Xorshift(seed: 50)
        for _ in 0..<propertyCases {
            let header = UDPHeader(
                sourcePort: random.value(), destinationPort: random.value(), payloadLength: Int(random.next() % 2000))
            let bytes = try emitted(count: 8 + header.payloadLength) { try header.emit(into: $0) }
            #expect(try withView(bytes) { UDPHeader(try UDPPacket($0)) } == header)
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.datagram[..<7])) { bytes in
            #expect(throws: WireError(.truncated, at: 7)) { try UDPPacket(bytes) }
        }
        var badLength = Self.datagram
        setWord(&badLength, at: 4, 7)
        withView(badLength) { bytes in
            #expect(throws: WireError(.invalidField, at: 4)) { try UDPPacket(bytes) }
        }
    }

    @Test func zeroChecksumStaysZeroAndZeroResultIsWrittenAsOnes() throws {
        var bytes = Self.datagram
        setWord(&bytes, at: 6, 0)
        try bytes.withUnsafeMutableBytes { buffer in
            let packet = try MutableUDPPacket(buffer)
            packet.updateChecksum(replacing: .v4(Self.source), with: .v4(IPv4Address(1, 2, 3, 4)))
            packet.rewriteSourcePort(1234)
            #expect(packet.packet.checksum == 0)
            #expect(packet.packet.isChecksumValid(pseudoHeaderSum: 0x1234))
        }
        // Search random destination addresses for one that makes the checksum compute to 0.
        var random = Xorshift(seed: 51)
        var sawZero = false
        for _ in 0..<200_000 where !sawZero {
            var copy = Self.completed
            let newDestination = random.ipv4()
            try copy.withUnsafeMutableBytes { buffer in
                let packet = try MutableUDPPacket(buffer)
                packet.updateChecksum(replacing: .v4(Self.destination), with: .v4(newDestination))
                let incremental = packet.packet.checksum
                #expect(incremental != 0)
                let pseudo = Checksum.pseudoHeaderSum(
                    source: Self.source, destination: newDestination, protocol: .udp, length: 42)
                packet.fillChecksum(pseudoHeaderSum: pseudo)
                #expect(packet.packet.checksum == incremental)
                if incremental == 0xFFFF { sawZero = true }
            }
        }
        #expect(sawZero)
    }

    @Test func incrementalUpdatesMatchRecomputation() throws {
        var random = Xorshift(seed: 52)
        for _ in 0..<propertyCases {
            var bytes = Self.completed
            let newSource = random.ipv4()
            let newPort = random.value(UInt16.self)
            try bytes.withUnsafeMutableBytes { buffer in
                let packet = try MutableUDPPacket(buffer)
                packet.updateChecksum(replacing: .v4(Self.source), with: .v4(newSource))
                packet.rewriteDestinationPort(newPort)
                let pseudo = Checksum.pseudoHeaderSum(
                    source: newSource, destination: Self.destination, protocol: .udp, length: 42)
                #expect(packet.packet.isChecksumValid(pseudoHeaderSum: pseudo))
                #expect(packet.packet.destinationPort == newPort)
            }
        }
    }
}

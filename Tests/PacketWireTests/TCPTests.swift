import Testing

@testable import PacketWire

@Suite struct TCPTests {
    // SYN 10.1.1.2.44644 > 10.1.1.1.80, options [mss 1460,sackOK,TS val 1032819631 ecr 0,nop,wscale 7]
    // (gopacket test_ethernet.pcap, packet 1, after IPv4):
    // 0x0000:  ae64 0050 9349 c830 0000 0000 a002 7210  .d.P.I.0......r.
    // 0x0010:  e47d 0000 0204 05b4 0402 080a 3d8f 93af  .}..........=...
    // 0x0020:  0000 0000 0103 0307                      ........
    static let syn: [UInt8] = [
        0xae, 0x64, 0x00, 0x50, 0x93, 0x49, 0xc8, 0x30, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0x72, 0x10,
        0xe4, 0x7d, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x3d, 0x8f, 0x93, 0xaf,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
    ]

    static let source = IPv4Address(10, 1, 1, 2)
    static let destination = IPv4Address(10, 1, 1, 1)
    static var pseudoHeaderSum: UInt16 {
        Checksum.pseudoHeaderSum(source: source, destination: destination, protocol: .tcp, length: 40)
    }

    static let header = TCPHeader(
        sourcePort: 44644, destinationPort: 80, sequenceNumber: 2_471_086_128, flags: .syn, window: 29200,
        maximumSegmentSize: 1460, windowScale: 7, sackPermitted: true,
        timestamps: TCPTimestamps(value: 1_032_819_631, echoReply: 0))

    @Test func deconstruct() throws {
        try withView(Self.syn) { bytes in
            let packet = try TCPPacket(bytes)
            #expect(packet.sourcePort == 44644)
            #expect(packet.destinationPort == 80)
            #expect(packet.sequenceNumber == 2_471_086_128)
            #expect(packet.acknowledgmentNumber == 0)
            #expect(packet.headerLength == 40)
            #expect(packet.flags == .syn)
            #expect(packet.flags.description == "S")
            #expect(packet.window == 29200)
            #expect(packet.checksum == 0xE47D)
            #expect(packet.urgentPointer == 0)
            #expect(packet.optionBytes.count == 20)
            #expect(packet.payload.isEmpty)
            #expect(packet.isChecksumValid(pseudoHeaderSum: Self.pseudoHeaderSum))
            var kinds: [UInt8] = []
            for option in packet.options { kinds.append(option.kind.rawValue) }
            #expect(kinds == [2, 4, 8, 3])
        }
    }

    @Test func construct() throws {
        let bytes = try emitted(count: Self.header.headerLength) { buffer in
            try Self.header.emit(into: buffer)
            MutableTCPPacket(uncheckedBytes: buffer).fillChecksum(pseudoHeaderSum: Self.pseudoHeaderSum)
        }
        #expect(bytes == Self.syn)
    }

    @Test func roundTrip() throws {
        #expect(try withView(Self.syn) { TCPHeader(try TCPPacket($0)) } == Self.header)
        var random = Xorshift(seed: 60)
        for _ in 0..<propertyCases {
            let header = TCPHeader(
                sourcePort: random.value(), destinationPort: random.value(), sequenceNumber: random.value(),
                acknowledgmentNumber: random.value(), flags: TCPFlags(rawValue: random.value()),
                window: random.value(), urgentPointer: random.value(),
                maximumSegmentSize: random.next() & 1 == 0 ? nil : random.value(),
                windowScale: random.next() & 1 == 0 ? nil : random.value(), sackPermitted: random.next() & 1 == 0,
                timestamps: random.next() & 1 == 0 ? nil : TCPTimestamps(value: random.value(), echoReply: random.value()))
            #expect(header.headerLength % 4 == 0 && header.headerLength <= 60)
            let bytes = try emitted(count: header.headerLength + 3) { try header.emit(into: $0) }
            try withView(bytes) { view in
                let packet = try TCPPacket(view)
                #expect(packet.headerLength == header.headerLength)
                #expect(packet.payload.count == 3)
                #expect(TCPHeader(packet) == header)
            }
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.syn[..<19])) { bytes in
            #expect(throws: WireError(.truncated, at: 19)) { try TCPPacket(bytes) }
        }
        withView(Array(Self.syn[..<39])) { bytes in
            #expect(throws: WireError(.truncated, at: 39)) { try TCPPacket(bytes) }
        }
        var shortOffset = Self.syn
        shortOffset[12] = 0x40
        withView(shortOffset) { bytes in
            #expect(throws: WireError(.invalidField, at: 12)) { try TCPPacket(bytes) }
        }
    }

    @Test func malformedOptionsEndIteration() {
        // MSS, then an option claiming 9 bytes where 4 remain.
        let options: [UInt8] = [0x02, 0x04, 0x05, 0xb4, 0x01, 0x05, 0x09, 0x00, 0x00, 0x00]
        withView(options) { bytes in
            var count = 0
            for option in TCPOptions(bytes) {
                count += 1
                #expect(option.maximumSegmentSize == 1460)
            }
            #expect(count == 1)
        }
        withView([0x03, 0x00, 0x01]) { bytes in
            var iterator = TCPOptions(bytes)
            #expect(iterator.next() == nil)
        }
    }

    @Test func rewritesKeepTheChecksumRight() throws {
        var random = Xorshift(seed: 61)
        for _ in 0..<propertyCases {
            var bytes = Self.syn
            let newDestination = random.ipv4()
            let newPort = random.value(UInt16.self)
            try bytes.withUnsafeMutableBytes { buffer in
                let packet = try MutableTCPPacket(buffer)
                packet.updateChecksum(replacing: .v4(Self.destination), with: .v4(newDestination))
                packet.rewriteSourcePort(newPort)
                let pseudo = Checksum.pseudoHeaderSum(
                    source: Self.source, destination: newDestination, protocol: .tcp, length: 40)
                #expect(packet.packet.isChecksumValid(pseudoHeaderSum: pseudo))
            }
        }
    }
}

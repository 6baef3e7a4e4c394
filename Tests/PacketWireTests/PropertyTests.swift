import PacketWire
import PropertyBased
import Testing

/// Properties over generated inputs (swift-property-based, shrinking to a minimal failing case):
/// the header values round-trip through their wire form, and an incremental checksum update
/// (RFC 1624) equals a full recomputation.
@Suite struct PropertyTests {
    static let address = Gen.uint32().map { IPv4Address(rawValue: $0) }
    static let mac = Gen.uint64(in: 0...0xFFFF_FFFF_FFFF).map { MACAddress(rawValue: $0) }

    /// Checksums compared as one's complement numbers: 0x0000 and 0xFFFF are both zero.
    static func same(_ a: UInt16, _ b: UInt16) -> Bool { a == b || (a == 0 || a == 0xFFFF) && (b == 0 || b == 0xFFFF) }

    @Test func ipv4HeaderRoundTrips() async {
        let fields = zip(Self.address, Self.address, Gen.uint8(), Gen.int(in: 0...(0xFFFF - 20)),
                         Gen.uint8(), Gen.uint16(), Gen.int(in: 0...0x1FFF))
        await propertyCheck(input: fields) { source, destination, proto, length, ttl, id, fragmentUnits in
            let header = IPv4Header(sourceAddress: source, destinationAddress: destination, protocol: IPProtocol(rawValue: proto),
                                    payloadLength: length, timeToLive: ttl, identification: id,
                                    moreFragments: fragmentUnits & 1 == 1, fragmentOffset: fragmentUnits * 8)
            var bytes = [UInt8](repeating: 0, count: 20)
            try bytes.withUnsafeMutableBytes { try header.emit(into: $0) }
            let parsed = try bytes.withUnsafeBytes { raw in
                try IPv4Header(IPv4Packet(UnsafeRawBufferPointer(rebasing: raw[0..<20])))
            }
            #expect(parsed == header)
            // The emitted header checksum is right.
            #expect(bytes.withUnsafeBytes { Checksum.isValid($0) })
        }
    }

    @Test func udpAndEthernetHeadersRoundTrip() async {
        await propertyCheck(input: Gen.uint16(), Gen.uint16(), Gen.int(in: 0...(0xFFFF - 8)), Self.mac, Self.mac,
                            Gen.uint16()) { sport, dport, length, source, destination, type in
            let udp = UDPHeader(sourcePort: sport, destinationPort: dport, payloadLength: length)
            var bytes = [UInt8](repeating: 0, count: 8)
            try bytes.withUnsafeMutableBytes { try udp.emit(into: $0) }
            #expect(try bytes.withUnsafeBytes { try UDPHeader(UDPPacket($0)) } == udp)
            let ethernet = EthernetHeader(destinationAddress: destination, sourceAddress: source,
                                          etherType: EtherType(rawValue: type))
            var frame = [UInt8](repeating: 0, count: 14)
            try frame.withUnsafeMutableBytes { try ethernet.emit(into: $0) }
            #expect(try frame.withUnsafeBytes { try EthernetHeader(EthernetFrame($0)) } == ethernet)
        }
    }

    /// A right checksum updated for one changed word (or one changed IPv4 address) equals the
    /// checksum computed afresh over the new bytes.
    @Test func incrementalUpdateEqualsFullRecomputation() async {
        let data = Gen.uint8().array(of: 4...64)
        await propertyCheck(input: data, Gen.int(in: 0...31), Gen.uint16(), Self.address) { words, at, newWord, newAddress in
            var bytes = words.count % 2 == 0 ? words : words + [0]
            let checksum = bytes.withUnsafeBytes { Checksum.compute($0) }
            let i = (at * 2) % (bytes.count - 1) & ~1
            let old = UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
            bytes[i] = UInt8(newWord >> 8)
            bytes[i + 1] = UInt8(newWord & 0xFF)
            let incremental = Checksum.update(checksum, replacing: old, with: newWord)
            let full = bytes.withUnsafeBytes { Checksum.compute($0) }
            #expect(Self.same(incremental, full), "incremental \(incremental) full \(full)")

            // A 32-bit address at an even offset.
            guard bytes.count >= 4 else { return }
            let j = i + 4 <= bytes.count ? i : bytes.count - 4 & ~1
            let oldAddress = bytes[j..<(j + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            for k in 0..<4 { bytes[j + k] = UInt8(truncatingIfNeeded: newAddress.rawValue >> (24 - 8 * UInt32(k))) }
            let updated = Checksum.update(full, replacing: IPv4Address(rawValue: oldAddress), with: newAddress)
            #expect(Self.same(updated, bytes.withUnsafeBytes { Checksum.compute($0) }))
        }
    }
}

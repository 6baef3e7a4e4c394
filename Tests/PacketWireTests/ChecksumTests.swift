import Testing

@testable import PacketWire

@Suite struct ChecksumTests {
    // RFC 1071 section 3 example: 0001 f203 f4f5 f6f7 sums to 0xddf2.
    static let rfc1071Example: [UInt8] = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]

    @Test func sumsTheRFC1071Example() {
        #expect(withView(Self.rfc1071Example) { Checksum.sum($0) } == 0xDDF2)
        #expect(withView(Self.rfc1071Example) { Checksum.compute($0) } == ~0xDDF2)
    }

    @Test func emptyAndOddLengths() {
        #expect(withView([]) { Checksum.sum($0) } == 0)
        #expect(withView([0xAB]) { Checksum.sum($0) } == 0xAB00)
        #expect(withView([0x12, 0x34, 0x56]) { Checksum.sum($0) } == 0x6834)
    }

    @Test func fastSumMatchesReferenceForRandomBuffers() {
        var random = Xorshift(seed: 10)
        for _ in 0..<propertyCases {
            let length = Int(random.next() % 200)
            var bytes = random.bytes(length)
            // Runs of 0xff exercise the carries out of the 64-bit accumulator.
            if random.next() % 4 == 0 { bytes = [UInt8](repeating: 0xFF, count: length) }
            #expect(withView(bytes) { Checksum.sum($0) } == referenceSum(bytes))
        }
    }

    @Test func fastSumHandlesUnalignedStarts() {
        var random = Xorshift(seed: 11)
        let bytes = random.bytes(300)
        bytes.withUnsafeBytes { all in
            for start in stride(from: 0, to: 16, by: 2) {
                let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + 257)])
                #expect(Checksum.sum(slice) == referenceSum(Array(bytes[start..<(start + 257)])))
            }
        }
    }

    @Test func ipv4PseudoHeaderMatchesItsBytes() {
        var random = Xorshift(seed: 12)
        for _ in 0..<propertyCases {
            let source = random.ipv4()
            let destination = random.ipv4()
            let proto = IPProtocol(rawValue: random.value())
            let length = Int(random.value(UInt16.self))
            var bytes: [UInt8] = []
            for address in [source, destination] { for index in 0..<4 { bytes.append(address.octet(index)) } }
            bytes += [0, proto.rawValue, UInt8(length >> 8), UInt8(length & 0xFF)]
            let sum = Checksum.pseudoHeaderSum(source: source, destination: destination, protocol: proto, length: length)
            #expect(Checksum.add(sum, 0) == Checksum.add(referenceSum(bytes), 0))
            #expect(sum % 0xFFFF == referenceSum(bytes) % 0xFFFF)
        }
    }

    @Test func ipv6PseudoHeaderMatchesItsBytes() {
        var random = Xorshift(seed: 13)
        for _ in 0..<propertyCases {
            let source = random.ipv6()
            let destination = random.ipv6()
            let proto = IPProtocol(rawValue: random.value())
            let length = Int(random.value(UInt32.self) >> (random.next() % 2 == 0 ? 16 : 0))
            var bytes: [UInt8] = []
            for address in [source, destination] { for index in 0..<16 { bytes.append(address.octet(index)) } }
            bytes += [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            bytes += [0, 0, 0, proto.rawValue]
            let sum = Checksum.pseudoHeaderSum(source: source, destination: destination, protocol: proto, length: length)
            #expect(sum % 0xFFFF == referenceSum(bytes) % 0xFFFF)
        }
    }

    @Test func incrementalWordUpdateMatchesRecomputation() {
        var random = Xorshift(seed: 14)
        for _ in 0..<propertyCases {
            let length = 2 * Int(2 + random.next() % 40)
            var bytes = random.bytes(length)
            bytes[0] |= 1  // never all zero
            let field = 2 * Int(random.next() % UInt64(length / 2))
            let other = (field + 2 * Int(1 + random.next() % UInt64(length / 2 - 1))) % length
            setWord(&bytes, at: field, 0)
            setWord(&bytes, at: field, ~referenceSum(bytes))
            let old = word(bytes, at: other)
            let new = random.value(UInt16.self)
            let updated = Checksum.update(word(bytes, at: field), replacing: old, with: new)
            setWord(&bytes, at: other, new)
            setWord(&bytes, at: field, 0)
            #expect(updated == ~referenceSum(bytes))
        }
    }

    /// Builds a random IPv4 UDP datagram with a correct checksum, rewrites an address in it
    /// incrementally, and compares with a full recomputation.
    @Test func incrementalIPv4AddressUpdateMatchesRecomputation() {
        var random = Xorshift(seed: 15)
        for _ in 0..<propertyCases {
            let source = random.ipv4()
            let destination = random.ipv4()
            let payload = random.bytes(Int(random.next() % 64))
            var datagram: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0] + payload
            setWord(&datagram, at: 0, random.value())
            setWord(&datagram, at: 2, random.value())
            setWord(&datagram, at: 4, UInt16(datagram.count))
            func full(_ source: IPv4Address, _ destination: IPv4Address, _ datagram: [UInt8]) -> UInt16 {
                var copy = datagram
                setWord(&copy, at: 6, 0)
                let pseudo = Checksum.pseudoHeaderSum(source: source, destination: destination, protocol: .udp, length: copy.count)
                return withView(copy) { Checksum.compute($0, pseudoHeaderSum: pseudo) }
            }
            let original = full(source, destination, datagram)
            let newSource = random.ipv4()
            let incremental = Checksum.update(original, replacing: source, with: newSource)
            #expect(incremental == full(newSource, destination, datagram))
            let newDestination = random.ipv4()
            let both = Checksum.update(incremental, replacing: destination, with: newDestination)
            #expect(both == full(newSource, newDestination, datagram))
        }
    }

    @Test func incrementalIPv6AddressUpdateMatchesRecomputation() {
        var random = Xorshift(seed: 16)
        for _ in 0..<propertyCases {
            let source = random.ipv6()
            let destination = random.ipv6()
            var message: [UInt8] = [128, 0, 0, 0] + random.bytes(4 + Int(random.next() % 40))
            func full(_ source: IPv6Address, _ destination: IPv6Address) -> UInt16 {
                setWord(&message, at: 2, 0)
                let pseudo = Checksum.pseudoHeaderSum(
                    source: source, destination: destination, protocol: .icmpv6, length: message.count)
                return withView(message) { Checksum.compute($0, pseudoHeaderSum: pseudo) }
            }
            let original = full(source, destination)
            let newDestination = random.ipv6()
            let incremental = Checksum.update(original, replacing: destination, with: newDestination)
            #expect(incremental == full(source, newDestination))
            #expect(Checksum.update(original, replacing: IPAddress.v6(destination), with: .v6(newDestination)) == incremental)
        }
    }

    /// A checksum that was wrong stays wrong by the same amount: the residual sum over the
    /// covered bytes (checksum included) is unchanged by an incremental update.
    @Test func wrongChecksumStaysWrongBySameAmount() {
        var random = Xorshift(seed: 17)
        for _ in 0..<propertyCases {
            // An IPv4 header with a random, usually wrong, checksum.
            var header = random.bytes(20)
            header[0] = 0x45
            let source = IPv4Address(rawValue: UInt32(word(header, at: 12)) << 16 | UInt32(word(header, at: 14)))
            let residual = referenceSum(header)
            let newSource = random.ipv4()
            let updated = Checksum.update(word(header, at: 10), replacing: source, with: newSource)
            setWord(&header, at: 10, updated)
            setWord(&header, at: 12, UInt16(newSource.rawValue >> 16))
            setWord(&header, at: 14, UInt16(newSource.rawValue & 0xFFFF))
            #expect(referenceSum(header) % 0xFFFF == residual % 0xFFFF)
            // And a correct one stays correct.
            setWord(&header, at: 10, 0)
            setWord(&header, at: 10, ~referenceSum(header))
            let again = random.ipv4()
            setWord(&header, at: 10, Checksum.update(word(header, at: 10), replacing: newSource, with: again))
            setWord(&header, at: 12, UInt16(again.rawValue >> 16))
            setWord(&header, at: 14, UInt16(again.rawValue & 0xFFFF))
            #expect(referenceSum(header) == 0xFFFF)
        }
    }

    @Test func updateOfMismatchedFamiliesLeavesChecksum() {
        #expect(Checksum.update(0x1234, replacing: IPAddress.v4(.any), with: .v6(.loopback)) == 0x1234)
    }
}

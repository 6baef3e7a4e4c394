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

/// Properties of the truncation-tolerant mutable views an address translator composes
/// (`MutableIPPacket` and the checksums that cover its addresses) over generated frames: six
/// kinds of packet (TCP, UDP and an ICMP error quoting UDP, over IPv4 and IPv6; a later IPv4
/// fragment) behind five link headers (Ethernet, 802.1Q, SLL, SLL2, raw IP).
@Suite struct MutableViewPropertyTests {
    /// A frame of `kind` behind link header `link` from `old` (source, destination), with every
    /// checksum right; the quoted packet of an ICMP error comes from the outer destination.
    static func frame(kind: Int, link: Int, payload: [UInt8], old: (IPAddress, IPAddress), other: IPAddress) -> ([UInt8], LinkType) {
        let isV6: Bool
        if case .v6 = old.0 { isV6 = true } else { isV6 = false }
        func pseudo(_ s: IPAddress, _ d: IPAddress, _ p: IPProtocol, _ length: Int) -> UInt16 {
            switch (s, d) {
            case (.v4(let s), .v4(let d)): Checksum.pseudoHeaderSum(source: s, destination: d, protocol: p, length: length)
            case (.v6(let s), .v6(let d)): Checksum.pseudoHeaderSum(source: s, destination: d, protocol: p, length: length)
            default: 0
            }
        }
        func ipHeader(_ s: IPAddress, _ d: IPAddress, _ p: IPProtocol, _ length: Int, fragment: Int = 0) -> [UInt8] {
            var header = [UInt8](repeating: 0, count: isV6 ? 40 : 20)
            header.withUnsafeMutableBytes { b in
                switch (s, d) {
                case (.v4(let s), .v4(let d)):
                    try! IPv4Header(sourceAddress: s, destinationAddress: d, protocol: p, payloadLength: length,
                                    fragmentOffset: fragment).emit(into: b)
                case (.v6(let s), .v6(let d)):
                    try! IPv6Header(sourceAddress: s, destinationAddress: d, nextHeader: p, payloadLength: length).emit(into: b)
                default: break
                }
            }
            return header
        }
        func udp(_ s: IPAddress, _ d: IPAddress) -> [UInt8] {
            var u = [UInt8](repeating: 0, count: 8) + payload
            u.withUnsafeMutableBytes { b in
                try! UDPHeader(sourcePort: 5353, destinationPort: 53, payloadLength: payload.count).emit(into: b)
                MutableUDPPacket(uncheckedBytes: b).fillChecksum(pseudoHeaderSum: pseudo(s, d, .udp, b.count))
            }
            return u
        }
        let (source, destination) = old
        var ip: [UInt8]
        switch kind {
        case 0:
            var t: [UInt8] = [0x9C, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0] + payload
            t.withUnsafeMutableBytes { MutableTCPPacket(uncheckedBytes: $0).fillChecksum(pseudoHeaderSum: pseudo(source, destination, .tcp, $0.count)) }
            ip = ipHeader(source, destination, .tcp, t.count) + t
        case 1:
            let u = udp(source, destination)
            ip = ipHeader(source, destination, .udp, u.count) + u
        case 2:
            // An error from `source` about a datagram `destination` sent to `other`.
            let quotedUDP = Array(udp(destination, other)[0..<8])
            let quoted = ipHeader(destination, other, .udp, 8 + payload.count) + quotedUDP
            let proto: IPProtocol = isV6 ? .icmpv6 : .icmp
            var m: [UInt8] = [isV6 ? 1 : 3, 1, 0, 0, 0, 0, 0, 0] + quoted
            m.withUnsafeMutableBytes { b in
                if isV6 {
                    MutableICMPv6Packet(uncheckedBytes: b).fillChecksum(pseudoHeaderSum: pseudo(source, destination, proto, b.count))
                } else {
                    MutableICMPv4Packet(uncheckedBytes: b).fillChecksum()
                }
            }
            ip = ipHeader(source, destination, proto, m.count) + m
        default:
            // A later fragment (IPv4): its data is not a header.
            ip = ipHeader(source, destination, .udp, payload.count + 8, fragment: isV6 ? 0 : 1480) + udp(source, destination)
        }
        let type: [UInt8] = isV6 ? [0x86, 0xDD] : [0x08, 0x00]
        switch link {
        case 0: return ([UInt8](repeating: 2, count: 12) + type + ip, .ethernet)
        case 1: return ([UInt8](repeating: 2, count: 12) + [0x81, 0x00, 0x00, 0x07] + type + ip, .ethernet)
        case 2: return ([0, 0, 0, 1, 0, 6] + [UInt8](repeating: 2, count: 8) + type + ip, .linuxSLL)
        case 3: return (type + [0, 0, 0, 0, 0, 1, 0, 1, 0, 6] + [UInt8](repeating: 2, count: 8) + ip, .linuxSLL2)
        default: return (ip, .raw)
        }
    }

    /// What an address translator does with the views: both addresses replaced where captured,
    /// the pseudo-header checksum updated, and an ICMP error's quoted packet translated the
    /// other way (RFC 5508) with the error's checksum following every change.
    static func translate(_ bytes: UnsafeMutableRawBufferPointer, linkType: LinkType, to new: (IPAddress, IPAddress)) {
        guard let ip = MutableIPPacket(frame: bytes, linkType: linkType), let source = ip.capturedSourceAddress else { return }
        let destination = ip.capturedDestinationAddress
        var changes = IPAddressChanges(source: source, destination: destination ?? source)
        changes.newSource = new.0
        ip.rewriteSourceAddress(new.0)
        if destination != nil {
            changes.newDestination = new.1
            ip.rewriteDestinationAddress(new.1)
        }
        guard let upper = ip.capturedUpperLayer else { return }
        upper.updatePseudoHeaderChecksum(for: changes)
        guard let error = upper.capturedICMPError, let quotedSource = error.quoted.capturedSourceAddress,
              quotedSource == changes.oldDestination, changes.newDestination != quotedSource else { return }
        var quoted = IPAddressChanges(source: quotedSource, destination: error.quoted.capturedDestinationAddress ?? quotedSource)
        quoted.newSource = changes.newDestination
        error.updateChecksum(replacing: quotedSource, with: changes.newDestination)
        if let (old, new) = error.quoted.rewriteSourceAddress(changes.newDestination) { error.updateChecksum(replacing: old, with: new) }
        if let (old, new) = error.quoted.capturedUpperLayer?.updatePseudoHeaderChecksum(for: quoted) {
            error.updateChecksum(replacing: old, with: new)
        }
    }

    static let addresses = Gen.uint64().array(of: 8)

    static func pair(_ words: [UInt64], _ at: Int, v6: Bool) -> (IPAddress, IPAddress) {
        v6 ? (.v6(IPv6Address(high: words[at], low: words[at + 1])), .v6(IPv6Address(high: words[at + 2], low: words[at + 3])))
           : (.v4(IPv4Address(rawValue: UInt32(truncatingIfNeeded: words[at]))),
              .v4(IPv4Address(rawValue: UInt32(truncatingIfNeeded: words[at + 2]))))
    }

    /// Every checksum updated incrementally through the views equals the one computed afresh
    /// over the translated frame.
    @Test func incrementalUpdatesEqualFullRecomputation() async {
        await propertyCheck(input: Gen.int(in: 0...3), Gen.int(in: 0...4), Gen.bool, Gen.uint8().array(of: 0...40),
                            Self.addresses) { kind, link, v6, payload, words in
            let old = Self.pair(words, 0, v6: v6), new = Self.pair(words, 4, v6: v6)
            let other: IPAddress = v6 ? .v6(IPv6Address(high: 1, low: 2)) : .v4(IPv4Address(rawValue: 0x0A00_0001))
            var (frame, linkType) = Self.frame(kind: kind, link: link, payload: payload, old: old, other: other)
            frame.withUnsafeMutableBytes { Self.translate($0, linkType: linkType, to: new) }
            var decoded = DecodedPacket()
            frame.withUnsafeBytes { PacketDecoder(linkType: linkType).decode($0, into: &decoded) }
            #expect(decoded.sourceAddress == new.0 && decoded.destinationAddress == new.1)
            frame.withUnsafeBytes { b in
                let n = decoded.networkOffset
                if !v6 { #expect(Checksum.isValid(UnsafeRawBufferPointer(rebasing: b[n..<(n + 20)])), "IPv4 header checksum") }
                guard kind != 3 || v6 else { return }  // a later fragment has no transport checksum
                let t = n + (v6 ? 40 : 20)
                let upper = UnsafeRawBufferPointer(rebasing: b[t...])
                let proto: IPProtocol = kind == 0 ? .tcp : kind == 2 ? (v6 ? .icmpv6 : .icmp) : .udp
                var sum: UInt16 = 0
                switch (new.0, new.1) {
                case (.v4(let s), .v4(let d)) where proto != .icmp:
                    sum = Checksum.pseudoHeaderSum(source: s, destination: d, protocol: proto, length: upper.count)
                case (.v6(let s), .v6(let d)):
                    sum = Checksum.pseudoHeaderSum(source: s, destination: d, protocol: proto, length: upper.count)
                default: break
                }
                #expect(Checksum.isValid(upper, pseudoHeaderSum: sum), "\(proto) checksum after the translation")
                if kind == 2 && !v6 {
                    #expect(Checksum.isValid(UnsafeRawBufferPointer(rebasing: upper[8..<28])), "quoted IPv4 header checksum")
                }
                if kind == 1 { #expect(upper[6] != 0 || upper[7] != 0, "a computed UDP checksum of 0 is sent as 0xffff") }
            }
        }
    }

    /// Translating a truncated copy gives the truncated translation of the whole frame when
    /// every change falls in the captured bytes (in particular whenever the transport checksum
    /// field is captured, for TCP and UDP); and, cut anywhere, nothing is written past the cut.
    @Test func truncatedCopyIsTheTruncatedTranslation() async {
        await propertyCheck(input: Gen.int(in: 0...3), Gen.int(in: 0...4), Gen.bool, Gen.uint8().array(of: 0...40),
                            Self.addresses, Gen.int(in: 0...10_000)) { kind, link, v6, payload, words, cutPoint in
            let old = Self.pair(words, 0, v6: v6), new = Self.pair(words, 4, v6: v6)
            let other: IPAddress = v6 ? .v6(IPv6Address(high: 1, low: 2)) : .v4(IPv4Address(rawValue: 0x0A00_0001))
            let (frame, linkType) = Self.frame(kind: kind, link: link, payload: payload, old: old, other: other)
            var full = frame
            full.withUnsafeMutableBytes { Self.translate($0, linkType: linkType, to: new) }
            let lastChange = (0..<frame.count).last { frame[$0] != full[$0] } ?? -1
            let cut = cutPoint % (frame.count + 1)
            // The cut copy, then bytes that must stay untouched.
            let sentinel = [UInt8](repeating: 0xA5, count: 16)
            var copy = Array(frame[0..<cut]) + sentinel
            copy.withUnsafeMutableBytes { b in
                Self.translate(UnsafeMutableRawBufferPointer(rebasing: b[0..<cut]), linkType: linkType, to: new)
            }
            #expect(Array(copy[cut...]) == sentinel, "written past the captured bytes")
            if cut > lastChange {
                #expect(Array(copy[0..<cut]) == Array(full[0..<cut]), "cut at \(cut), last change at \(lastChange)")
            }
        }
    }
}

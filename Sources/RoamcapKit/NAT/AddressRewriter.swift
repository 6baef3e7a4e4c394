import CaptureFile
import PacketWire

/// Which of the two checks of SPEC §1 apply to a packet.
public struct DirectionChecks: Sendable, Equatable {
    /// destination == primary → post-migration address (network → VM).
    public var destination: Bool
    /// source == post-migration address → primary (VM → network).
    public var source: Bool

    public static let both = DirectionChecks(destination: true, source: true)
    public static let vmSide = DirectionChecks(destination: false, source: true)
    public static let networkSide = DirectionChecks(destination: true, source: false)
}

/// What the rewriter did to one packet.
public struct RewriteOutcome: Sendable {
    /// Span index (into the table's spans, or the learned list) of the destination rewrite.
    public var destinationSpan: Int = -1
    public var sourceSpan: Int = -1
    /// Whether the destination/source span came from learning.
    public var destinationLearned = false
    public var sourceLearned = false
    /// The header quoted inside an ICMP/ICMPv6 error was translated too.
    public var translatedEmbedded = false
    public var changed: Bool { destinationSpan >= 0 || sourceSpan >= 0 }
}

/// Looks up the address a packet's destination or source must become.
public protocol AddressMapping {
    /// (post-migration address, span id, learned) for a primary address at `time`.
    func postAddress(forPrimary primary: IPAddress, at time: Timestamp) -> (IPAddress, Int, Bool)?
    /// (primary address, span id, learned) for a post-migration address at `time`.
    func primaryAddress(forPost post: IPAddress, at time: Timestamp) -> (IPAddress, Int, Bool)?
}

/// Rewrites IP addresses in place, as a migration NAT does (SPEC §1): IPv4 and IPv6 behind
/// Ethernet, 802.1Q/QinQ, Linux SLL/SLL2 or raw link types; every checksum updated
/// incrementally (RFC 1624), so a wrong one stays wrong by the same amount; fragments; the
/// header quoted in ICMP/ICMPv6 errors translated consistently (RFC 5508); truncated packets
/// rewritten as far as they are captured.
public enum AddressRewriter {
    /// Rewrites `bytes` (a captured frame of `linkType`) at `time`. Returns what changed.
    @inline(__always)
    public static func rewrite<Mapping: AddressMapping>(
        _ bytes: UnsafeMutableRawBufferPointer, linkType: UInt16, at time: Timestamp,
        checks: DirectionChecks, mapping: Mapping
    ) -> RewriteOutcome {
        var outcome = RewriteOutcome()
        guard let (offset, version) = NetworkLayer.locate(UnsafeRawBufferPointer(bytes), linkType: LinkType(rawValue: linkType)) else {
            return outcome
        }
        let p = bytes.baseAddress!
        let count = bytes.count
        if version == 4 {
            rewriteIPv4(p, count: count, at: offset, time: time, checks: checks, mapping: mapping, outcome: &outcome)
        } else {
            rewriteIPv6(p, count: count, at: offset, time: time, checks: checks, mapping: mapping, outcome: &outcome)
        }
        return outcome
    }

    // MARK: IPv4

    ///    0      4      8             16    19                      31
    ///   +------+------+-------------+-----+------------------------+
    ///   |Vers  | IHL  |    TOS      |        Total Length          |
    ///   |        Identification     |Flags|   Fragment Offset      |
    ///   |  TTL        |  Protocol   |        Header Checksum       |  (10)
    ///   |                    Source Address                        |  (12)
    ///   |                 Destination Address                      |  (16)
    @inline(__always)
    static func rewriteIPv4<Mapping: AddressMapping>(
        _ p: UnsafeMutableRawPointer, count: Int, at n: Int, time: Timestamp, checks: DirectionChecks,
        mapping: Mapping, outcome: inout RewriteOutcome
    ) {
        // An address only partly captured is not matched.
        let sourcePresent = n + 16 <= count
        let destinationPresent = n + 20 <= count
        guard sourcePresent else { return }
        let oldSource = IPAddress.v4(IPv4Address(rawValue: be32(p, n + 12)))
        var newSource = oldSource
        var newDestination: IPAddress? = nil
        var oldDestination = oldSource
        if checks.source, let (primary, span, learned) = mapping.primaryAddress(forPost: oldSource, at: time) {
            newSource = primary
            outcome.sourceSpan = span
            outcome.sourceLearned = learned
        }
        if destinationPresent && checks.destination {
            oldDestination = .v4(IPv4Address(rawValue: be32(p, n + 16)))
            if let (post, span, learned) = mapping.postAddress(forPrimary: oldDestination, at: time) {
                newDestination = post
                outcome.destinationSpan = span
                outcome.destinationLearned = learned
            }
        }
        guard outcome.changed else { return }
        let ihl = Int(p.load(fromByteOffset: n, as: UInt8.self) & 0x0F) * 4
        var headerChecksum = be16(p, n + 10)
        if outcome.sourceSpan >= 0 {
            writeAddress(p, n + 12, newSource)
            headerChecksum = Checksum.update(headerChecksum, replacing: oldSource, with: newSource)
        }
        if let newDestination {
            writeAddress(p, n + 16, newDestination)
            headerChecksum = Checksum.update(headerChecksum, replacing: oldDestination, with: newDestination)
        }
        setBE16(p, n + 10, headerChecksum)
        // Transport checksums: the first fragment only, and only when its field is captured.
        guard n + 8 <= count, ihl >= 20 else { return }
        let fragmentOffset = Int(be16(p, n + 6) & 0x1FFF)
        guard fragmentOffset == 0 else { return }
        let proto = p.load(fromByteOffset: n + 9, as: UInt8.self)
        let t = n + ihl
        let changes = AddressChanges(oldSource: oldSource, newSource: newSource,
                                     oldDestination: oldDestination, newDestination: newDestination ?? oldDestination)
        updateTransport(p, count: count, proto: proto, at: t, changes: changes, pseudoHeaderCovers: true)
        if proto == 1 {
            // ICMP has no pseudo-header; an error's quoted header is translated.
            let type = ICMPv4Type(rawValue: t < count ? p.load(fromByteOffset: t, as: UInt8.self) : 0)
            if type.isError {
                translateEmbedded(p, count: count, icmpAt: t, quotedAt: t + 8, changes: changes, time: time,
                                  outcome: &outcome)
            }
        }
    }

    // MARK: IPv6

    ///   | Version | Traffic Class |           Flow Label                |
    ///   |         Payload Length        |  Next Header  |   Hop Limit   |
    ///   |                  Source Address (16 bytes, at 8)              |
    ///   |               Destination Address (16 bytes, at 24)           |
    @inline(__always)
    static func rewriteIPv6<Mapping: AddressMapping>(
        _ p: UnsafeMutableRawPointer, count: Int, at n: Int, time: Timestamp, checks: DirectionChecks,
        mapping: Mapping, outcome: inout RewriteOutcome
    ) {
        guard n + 24 <= count else { return }
        let oldSource = IPAddress.v6(readIPv6(p, n + 8))
        var newSource = oldSource
        var oldDestination = oldSource
        var newDestination: IPAddress? = nil
        if checks.source, let (primary, span, learned) = mapping.primaryAddress(forPost: oldSource, at: time) {
            newSource = primary
            outcome.sourceSpan = span
            outcome.sourceLearned = learned
        }
        if n + 40 <= count && checks.destination {
            oldDestination = .v6(readIPv6(p, n + 24))
            if let (post, span, learned) = mapping.postAddress(forPrimary: oldDestination, at: time) {
                newDestination = post
                outcome.destinationSpan = span
                outcome.destinationLearned = learned
            }
        }
        guard outcome.changed else { return }
        if outcome.sourceSpan >= 0 { writeAddress(p, n + 8, newSource) }
        if let newDestination { writeAddress(p, n + 24, newDestination) }
        guard n + 40 <= count else { return }
        let payloadLength = Int(be16(p, n + 4))
        let end = payloadLength == 0 ? count : min(count, n + 40 + payloadLength)
        guard end > n + 40 else { return }
        let payload = UnsafeRawBufferPointer(start: p + n + 40, count: end - n - 40)
        let firstHeader = IPProtocol(rawValue: p.load(fromByteOffset: n + 6, as: UInt8.self))
        guard let chain = try? IPv6HeaderChain(walking: payload, firstHeader: firstHeader),
              chain.hasUpperLayerHeader, !(chain.isFragment && chain.fragmentOffset != 0) else { return }
        // With a routing header still to be walked, the pseudo-header holds the final
        // destination, not the one being rewritten.
        var changes = AddressChanges(oldSource: oldSource, newSource: newSource,
                                     oldDestination: oldDestination, newDestination: newDestination ?? oldDestination)
        if let final = chain.finalDestination, IPAddress.v6(final) != oldDestination {
            changes.newDestination = changes.oldDestination
        }
        let t = n + 40 + chain.upperLayerOffset
        let proto = chain.upperLayerProtocol.rawValue
        updateTransport(p, count: count, proto: proto, at: t, changes: changes, pseudoHeaderCovers: true)
        if proto == 58 {
            let type = ICMPv6Type(rawValue: t < count ? p.load(fromByteOffset: t, as: UInt8.self) : 255)
            if type.isError {
                translateEmbedded(p, count: count, icmpAt: t, quotedAt: t + 8, changes: changes, time: time,
                                  outcome: &outcome)
            }
        }
    }

    /// The address changes made to one IP header (old == new where nothing changed).
    struct AddressChanges {
        var oldSource: IPAddress
        var newSource: IPAddress
        var oldDestination: IPAddress
        var newDestination: IPAddress

        @inline(__always)
        func apply(to checksum: UInt16) -> UInt16 {
            var c = checksum
            if oldSource != newSource { c = Checksum.update(c, replacing: oldSource, with: newSource) }
            if oldDestination != newDestination { c = Checksum.update(c, replacing: oldDestination, with: newDestination) }
            return c
        }
    }

    /// Updates the TCP, UDP or ICMPv6 checksum for address changes covered by the pseudo-header.
    /// Returns the (old, new) checksum when it changed, for enclosing checksums.
    @inline(__always) @discardableResult
    static func updateTransport(_ p: UnsafeMutableRawPointer, count: Int, proto: UInt8, at t: Int,
                                changes: AddressChanges, pseudoHeaderCovers: Bool) -> (UInt16, UInt16)? {
        let field: Int
        switch proto {
        case 6: field = t + 16     // TCP
        case 17: field = t + 6     // UDP
        case 58: field = t + 2     // ICMPv6
        default: return nil
        }
        guard field + 2 <= count else { return nil }
        let old = be16(p, field)
        let new = proto == 17 ? Checksum.updatingUDP(old) { changes.apply(to: $0) } : changes.apply(to: old)
        guard new != old else { return nil }
        setBE16(p, field, new)
        return (old, new)
    }

    /// RFC 5508: the header an ICMP error quotes is the packet the erring node saw, so its
    /// addresses are translated the opposite way — outer source post→primary implies quoted
    /// destination post→primary; outer destination primary→post implies quoted source
    /// primary→post. The quoted IPv4 header checksum and transport checksum are updated where
    /// captured, then the ICMP checksum for every changed word.
    static func translateEmbedded(_ p: UnsafeMutableRawPointer, count: Int, icmpAt t: Int, quotedAt e: Int,
                                  changes: AddressChanges, time: Timestamp, outcome: inout RewriteOutcome) {
        guard e < count, t + 4 <= count else { return }
        let version = p.load(fromByteOffset: e, as: UInt8.self) >> 4
        var icmpChecksum = be16(p, t + 2)
        var changed = false
        var quoted = AddressChanges(oldSource: changes.oldSource, newSource: changes.oldSource,
                                    oldDestination: changes.oldDestination, newDestination: changes.oldDestination)
        func translate(_ addressOffset: Int, from old: IPAddress, to new: IPAddress, isSource: Bool) {
            writeAddress(p, addressOffset, new)
            icmpChecksum = Checksum.update(icmpChecksum, replacing: old, with: new)
            if isSource { quoted.oldSource = old; quoted.newSource = new } else { quoted.oldDestination = old; quoted.newDestination = new }
            changed = true
        }
        if version == 4 {
            guard e + 20 <= count else {
                // Quoted addresses only partly captured are not matched.
                if e + 16 <= count, changes.oldDestination != changes.newDestination,
                   IPAddress.v4(IPv4Address(rawValue: be32(p, e + 12))) == changes.oldDestination {
                    translate(e + 12, from: changes.oldDestination, to: changes.newDestination, isSource: true)
                    let oldSum = be16(p, e + 10)
                    let newSum = Checksum.update(oldSum, replacing: changes.oldDestination, with: changes.newDestination)
                    setBE16(p, e + 10, newSum)
                    icmpChecksum = Checksum.update(icmpChecksum, replacing: oldSum, with: newSum)
                    setBE16(p, t + 2, icmpChecksum)
                    outcome.translatedEmbedded = true
                }
                return
            }
            let quotedSource = IPAddress.v4(IPv4Address(rawValue: be32(p, e + 12)))
            let quotedDestination = IPAddress.v4(IPv4Address(rawValue: be32(p, e + 16)))
            if changes.oldSource != changes.newSource && quotedDestination == changes.oldSource {
                translate(e + 16, from: changes.oldSource, to: changes.newSource, isSource: false)
            }
            if changes.oldDestination != changes.newDestination && quotedSource == changes.oldDestination {
                translate(e + 12, from: changes.oldDestination, to: changes.newDestination, isSource: true)
            }
            guard changed else { return }
            let oldSum = be16(p, e + 10)
            let newSum = quoted.apply(to: oldSum)
            setBE16(p, e + 10, newSum)
            icmpChecksum = Checksum.update(icmpChecksum, replacing: oldSum, with: newSum)
            let ihl = Int(p.load(fromByteOffset: e, as: UInt8.self) & 0x0F) * 4
            let fragmentOffset = Int(be16(p, e + 6) & 0x1FFF)
            if ihl >= 20 && fragmentOffset == 0 {
                let proto = p.load(fromByteOffset: e + 9, as: UInt8.self)
                if let (old, new) = updateTransport(p, count: count, proto: proto, at: e + ihl, changes: quoted,
                                                    pseudoHeaderCovers: true) {
                    icmpChecksum = Checksum.update(icmpChecksum, replacing: old, with: new)
                }
            }
        } else if version == 6 {
            let sourcePresent = e + 24 <= count
            let destinationPresent = e + 40 <= count
            if destinationPresent && changes.oldSource != changes.newSource
                && IPAddress.v6(readIPv6(p, e + 24)) == changes.oldSource {
                translate(e + 24, from: changes.oldSource, to: changes.newSource, isSource: false)
            }
            if sourcePresent && changes.oldDestination != changes.newDestination
                && IPAddress.v6(readIPv6(p, e + 8)) == changes.oldDestination {
                translate(e + 8, from: changes.oldDestination, to: changes.newDestination, isSource: true)
            }
            guard changed else { return }
            if destinationPresent {
                let payloadLength = Int(be16(p, e + 4))
                let end = min(count, e + 40 + (payloadLength == 0 ? count : payloadLength))
                if end > e + 40 {
                    let payload = UnsafeRawBufferPointer(start: p + e + 40, count: end - e - 40)
                    let first = IPProtocol(rawValue: p.load(fromByteOffset: e + 6, as: UInt8.self))
                    if let chain = try? IPv6HeaderChain(walking: payload, firstHeader: first), chain.hasUpperLayerHeader,
                       !(chain.isFragment && chain.fragmentOffset != 0),
                       let (old, new) = updateTransport(p, count: count, proto: chain.upperLayerProtocol.rawValue,
                                                        at: e + 40 + chain.upperLayerOffset, changes: quoted,
                                                        pseudoHeaderCovers: true) {
                        icmpChecksum = Checksum.update(icmpChecksum, replacing: old, with: new)
                    }
                }
            }
        }
        setBE16(p, t + 2, icmpChecksum)
        outcome.translatedEmbedded = true
    }

    // MARK: Bytes

    @inline(__always)
    static func be16(_ p: UnsafeMutableRawPointer, _ at: Int) -> UInt16 {
        UInt16(bigEndian: p.loadUnaligned(fromByteOffset: at, as: UInt16.self))
    }

    @inline(__always)
    static func setBE16(_ p: UnsafeMutableRawPointer, _ at: Int, _ v: UInt16) {
        p.storeBytes(of: v.bigEndian, toByteOffset: at, as: UInt16.self)
    }

    @inline(__always)
    static func be32(_ p: UnsafeMutableRawPointer, _ at: Int) -> UInt32 {
        UInt32(bigEndian: p.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    @inline(__always)
    static func readIPv6(_ p: UnsafeMutableRawPointer, _ at: Int) -> IPv6Address {
        IPv6Address(high: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
                    low: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)))
    }

    @inline(__always)
    static func writeAddress(_ p: UnsafeMutableRawPointer, _ at: Int, _ address: IPAddress) {
        switch address {
        case .v4(let a):
            p.storeBytes(of: a.rawValue.bigEndian, toByteOffset: at, as: UInt32.self)
        case .v6(let a):
            p.storeBytes(of: a.high.bigEndian, toByteOffset: at, as: UInt64.self)
            p.storeBytes(of: a.low.bigEndian, toByteOffset: at + 8, as: UInt64.self)
        }
    }
}

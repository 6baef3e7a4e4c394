// What an address translator needs of a captured frame, whatever its IP version: the IP header
// behind the link header (`NetworkLayer.locate`), its addresses, the upper-layer checksum that
// covers them through the pseudo-header, and the packet an ICMP error quotes. Every view here is
// tolerant of truncation: it writes a field only where it was captured whole and updates a
// checksum only where its field was captured, so it never writes outside the captured bytes.

/// An IP header's addresses before and after a translation (old == new where nothing
/// changed), for the checksums that cover them.
public struct IPAddressChanges: Hashable, Sendable {
    /// The source address as it was.
    public var oldSource: IPAddress
    /// The source address as it is now.
    public var newSource: IPAddress
    /// The destination address as it was.
    public var oldDestination: IPAddress
    /// The destination address as it is now.
    public var newDestination: IPAddress

    /// No change yet to a header with these addresses.
    @inlinable
    public init(source: IPAddress, destination: IPAddress) {
        oldSource = source
        newSource = source
        oldDestination = destination
        newDestination = destination
    }

    /// Whether neither address changed.
    @inlinable public var isEmpty: Bool { oldSource == newSource && oldDestination == newDestination }

    /// A checksum that covers both addresses, updated incrementally (RFC 1624) for each one
    /// that changed.
    @inlinable
    public func updating(_ checksum: UInt16) -> UInt16 {
        var c = checksum
        if oldSource != newSource { c = Checksum.update(c, replacing: oldSource, with: newSource) }
        if oldDestination != newDestination { c = Checksum.update(c, replacing: oldDestination, with: newDestination) }
        return c
    }
}

/// A mutable view of an IPv4 or IPv6 packet as captured, chosen by its version.
public enum MutableIPPacket {
    /// An IPv4 packet.
    case v4(MutableIPv4Packet)
    /// An IPv6 packet.
    case v6(MutableIPv6Packet)

    /// The packet at the start of `bytes`, cut anywhere, by its version nibble; nil when no
    /// byte was captured or the version is neither 4 nor 6.
    @inlinable
    public init?(captured bytes: UnsafeMutableRawBufferPointer) {
        guard !bytes.isEmpty else { return nil }
        switch bytes.readOnly.readUInt8(at: 0) >> 4 {
        case 4: self = .v4(MutableIPv4Packet(captured: bytes))
        case 6: self = .v6(MutableIPv6Packet(captured: bytes))
        default: return nil
        }
    }

    /// The packet a captured frame of `linkType` carries after its link header and any VLAN
    /// tags (`NetworkLayer.locate`); nil for a frame that carries no IP.
    @inlinable
    public init?(frame bytes: UnsafeMutableRawBufferPointer, linkType: LinkType) {
        guard let (offset, version) = NetworkLayer.locate(bytes.readOnly, linkType: linkType) else { return nil }
        let packet = UnsafeMutableRawBufferPointer(rebasing: bytes[offset...])
        self = version == 4 ? .v4(MutableIPv4Packet(captured: packet)) : .v6(MutableIPv6Packet(captured: packet))
    }

    /// The source address, or nil if it was not captured whole.
    @inlinable public var capturedSourceAddress: IPAddress? {
        switch self {
        case .v4(let packet): packet.capturedSourceAddress.map { .v4($0) }
        case .v6(let packet): packet.capturedSourceAddress.map { .v6($0) }
        }
    }

    /// The destination address, or nil if it was not captured whole.
    @inlinable public var capturedDestinationAddress: IPAddress? {
        switch self {
        case .v4(let packet): packet.capturedDestinationAddress.map { .v4($0) }
        case .v6(let packet): packet.capturedDestinationAddress.map { .v6($0) }
        }
    }

    /// Replaces the source address where captured whole (an address of the other version is
    /// ignored), updating an IPv4 header checksum incrementally; returns that checksum's old
    /// and new value, for a checksum that covers this header.
    @inlinable @discardableResult
    public func rewriteSourceAddress(_ address: IPAddress) -> (old: UInt16, new: UInt16)? {
        switch (self, address) {
        case (.v4(let packet), .v4(let address)): return packet.rewriteSourceAddress(address)
        case (.v6(let packet), .v6(let address)): packet.setSourceAddress(address)
        default: break
        }
        return nil
    }

    /// Replaces the destination address where captured whole, as `rewriteSourceAddress` does.
    @inlinable @discardableResult
    public func rewriteDestinationAddress(_ address: IPAddress) -> (old: UInt16, new: UInt16)? {
        switch (self, address) {
        case (.v4(let packet), .v4(let address)): return packet.rewriteDestinationAddress(address)
        case (.v6(let packet), .v6(let address)): packet.setDestinationAddress(address)
        default: break
        }
        return nil
    }

    /// The upper-layer header as captured, or nil when this packet does not start it (see the
    /// versions' `capturedUpperLayer`).
    @inlinable public var capturedUpperLayer: MutableUpperLayer? {
        switch self {
        case .v4(let packet): packet.capturedUpperLayer
        case .v6(let packet): packet.capturedUpperLayer
        }
    }
}

/// The upper-layer header of an IP packet as captured (cut anywhere), for the checksums an
/// address translator updates.
public struct MutableUpperLayer {
    /// Its protocol.
    public let `protocol`: IPProtocol
    /// The version of the IP header that carries it (4 or 6).
    public let ipVersion: Int
    /// Its captured bytes, header first (possibly none).
    public let bytes: UnsafeMutableRawBufferPointer
    /// The final destination an IPv6 routing header with segments left names, if any.
    public let finalDestination: IPv6Address?

    /// Wraps an upper-layer header found by an IP view.
    @inlinable
    public init(protocol: IPProtocol, ipVersion: Int, bytes: UnsafeMutableRawBufferPointer, finalDestination: IPv6Address?) {
        self.protocol = `protocol`
        self.ipVersion = ipVersion
        self.bytes = bytes
        self.finalDestination = finalDestination
    }

    /// Updates the checksum that covers the pseudo-header (TCP's, UDP's, ICMPv6's; ICMP for
    /// IPv4 has none) for the IP header's address changes, where its field was captured;
    /// returns its old and new value when it changed. With a routing header still to be
    /// walked, the pseudo-header holds the final destination, which a change of the Destination
    /// Address does not reach (RFC 8200 section 8.1).
    @inlinable @discardableResult
    public func updatePseudoHeaderChecksum(for changes: IPAddressChanges) -> (old: UInt16, new: UInt16)? {
        var covered = changes
        if let final = finalDestination, IPAddress.v6(final) != changes.oldDestination {
            covered.newDestination = covered.oldDestination
        }
        switch self.protocol {
        case .tcp: return MutableTCPPacket(captured: bytes).updateChecksum(for: covered)
        case .udp: return MutableUDPPacket(captured: bytes).updateChecksum(for: covered)
        case .icmpv6: return MutableICMPv6Packet(captured: bytes).updateChecksum(for: covered)
        default: return nil
        }
    }

    /// The ICMP error this upper layer is (ICMP in IPv4, ICMPv6 in IPv6) with the packet it
    /// quotes, as captured; nil for anything else.
    @inlinable public var capturedICMPError: MutableICMPError? {
        if ipVersion == 4 && self.protocol == .icmp {
            return MutableICMPv4Packet(captured: bytes).capturedQuotedPacket.map {
                MutableICMPError(message: bytes, isICMPv6: false, quoted: $0)
            }
        }
        if ipVersion == 6 && self.protocol == .icmpv6 {
            return MutableICMPv6Packet(captured: bytes).capturedQuotedPacket.map {
                MutableICMPError(message: bytes, isICMPv6: true, quoted: $0)
            }
        }
        return nil
    }
}

/// An ICMP or ICMPv6 error message as captured: the packet it quotes, and its checksum, which
/// covers the quoted bytes and must follow every change made to them.
public struct MutableICMPError {
    /// The whole message, header first.
    public let message: UnsafeMutableRawBufferPointer
    /// Whether it is ICMPv6.
    public let isICMPv6: Bool
    /// The IP packet it quotes, as captured.
    public let quoted: MutableIPPacket

    /// Wraps an error message and the packet it quotes.
    @inlinable
    public init(message: UnsafeMutableRawBufferPointer, isICMPv6: Bool, quoted: MutableIPPacket) {
        self.message = message
        self.isICMPv6 = isICMPv6
        self.quoted = quoted
    }

    /// Updates the message checksum, where captured, for a covered word that changed.
    @inlinable
    public func updateChecksum(replacing old: UInt16, with new: UInt16) {
        if isICMPv6 {
            MutableICMPv6Packet(captured: message).updateChecksum(replacing: old, with: new)
        } else {
            MutableICMPv4Packet(captured: message).updateChecksum(replacing: old, with: new)
        }
    }

    /// Updates the message checksum, where captured, for a covered address that changed.
    @inlinable
    public func updateChecksum(replacing old: IPAddress, with new: IPAddress) {
        if isICMPv6 {
            MutableICMPv6Packet(captured: message).updateChecksum(replacing: old, with: new)
        } else {
            MutableICMPv4Packet(captured: message).updateChecksum(replacing: old, with: new)
        }
    }
}

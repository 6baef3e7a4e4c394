import CaptureFile
import PacketWire

/// A migration entry learned from the trace (`--learn`): a MAC bound to `primary` announced `new`.
public struct LearnedEntry: Sendable {
    public var mac: MACAddress
    public var primary: IPAddress
    public var new: IPAddress
    /// The packet that taught it (1-based, in reading order) and its time.
    public var packet: Int
    public var time: Timestamp
    /// `garp`, `unsolicited-na` or `dhcp`.
    public var evidence: String
    /// The packet that ended it (the MAC announced its primary again, or another address), if any.
    public var endedAtPacket: Int?
    /// That packet's time: the entry is active until then.
    public var endedAt: Timestamp?
}

/// Learns migration entries from what VMs announce after moving (SPEC §1): a MAC's primary is the
/// first address it was bound to (per IP version); a gratuitous ARP, unsolicited neighbor
/// advertisement or DHCP ACK announcing another address N makes an entry primary → N from that
/// packet on; announcing the primary again removes it.
public final class MigrationLearner {
    public private(set) var learned: [LearnedEntry] = []
    private var primaryV4: [MACAddress: IPAddress] = [:]
    private var primaryV6: [MACAddress: IPAddress] = [:]
    /// Active learned entry per MAC and family (index into `learned`).
    private var activeV4: [MACAddress: Int] = [:]
    private var activeV6: [MACAddress: Int] = [:]
    private var byPrimary: [IPAddress: Int] = [:]
    private var byPost: [IPAddress: Int] = [:]

    public init() {}

    /// Looks at one packet already decoded (`decoded` is the view of `packet.data`); learns
    /// from ARP, ND and DHCP.
    public func observe(decoded: DecodedPacket, packet: Packet) {
        if let arp = decoded.arp {
            guard arp.operation == .request || arp.operation == .reply, !arp.senderProtocolAddress.isUnspecified else { return }
            let mac = arp.senderHardwareAddress
            let address = IPAddress.v4(arp.senderProtocolAddress)
            bind(mac: mac, address: address, announcement: arp.isGratuitous, evidence: "garp", packet: packet)
            return
        }
        if decoded.layers.contains(.icmpv6), decoded.icmpType == 136, let target = decoded.ndpTargetAddress,
           !target.isLinkLocal, !target.isMulticast {
            guard let mac = decoded.ndpTargetLinkLayerAddress ?? decoded.sourceMACAddress else { return }
            let unsolicited = !decoded.neighborAdvertisementFlags.contains(.solicited)
            bind(mac: mac, address: .v6(target), announcement: unsolicited, evidence: "unsolicited-na", packet: packet)
            return
        }
        if decoded.layers.contains(.udp), decoded.sourcePort == 67, decoded.destinationPort == 68,
           let ack = DHCPAck(packet.data, at: decoded.payloadOffset, length: decoded.payloadLength) {
            bind(mac: ack.clientHardwareAddress, address: .v4(ack.yourAddress), announcement: true,
                 evidence: "dhcp", packet: packet)
        }
    }

    private func bind(mac: MACAddress, address: IPAddress, announcement: Bool, evidence: String, packet: Packet) {
        let isV4: Bool
        if case .v4 = address { isV4 = true } else { isV4 = false }
        guard let primary = isV4 ? primaryV4[mac] : primaryV6[mac] else {
            if isV4 { primaryV4[mac] = address } else { primaryV6[mac] = address }
            return
        }
        guard announcement else { return }
        let active = isV4 ? activeV4[mac] : activeV6[mac]
        if let active, learned[active].new == address { return }  // the same announcement again
        if let active {
            learned[active].endedAtPacket = packet.number
            learned[active].endedAt = packet.timestamp
            byPrimary[learned[active].primary] = nil
            byPost[learned[active].new] = nil
            if isV4 { activeV4[mac] = nil } else { activeV6[mac] = nil }
        }
        guard address != primary else { return }  // back at its primary: no entry
        learned.append(LearnedEntry(mac: mac, primary: primary, new: address, packet: packet.number,
                                    time: packet.timestamp, evidence: evidence))
        let index = learned.count - 1
        if isV4 { activeV4[mac] = index } else { activeV6[mac] = index }
        byPrimary[primary] = index
        byPost[address] = index
    }

    /// The active learned entry for a primary address.
    @inline(__always)
    public func entry(forPrimary primary: IPAddress) -> Int? { byPrimary.isEmpty ? nil : byPrimary[primary] }

    /// The active learned entry for a post-migration address.
    @inline(__always)
    public func entry(forPost post: IPAddress) -> Int? { byPost.isEmpty ? nil : byPost[post] }
}

/// The static/notified table and the learned entries, looked up together.
public struct MigrationMapping: AddressMapping {
    public let table: MigrationTable
    public let learner: MigrationLearner?

    public init(table: MigrationTable, learner: MigrationLearner?) {
        self.table = table
        self.learner = learner
    }

    @inline(__always)
    public func postAddress(forPrimary primary: IPAddress, at time: Timestamp) -> (IPAddress, Int, Bool)? {
        if !table.isEmpty, let span = table.span(forPrimary: primary, at: time) {
            return (span.new, span.entry, false)
        }
        if let learner, let i = learner.entry(forPrimary: primary) { return (learner.learned[i].new, i, true) }
        return nil
    }

    @inline(__always)
    public func primaryAddress(forPost post: IPAddress, at time: Timestamp) -> (IPAddress, Int, Bool)? {
        if !table.isEmpty, let span = table.span(forPost: post, at: time) {
            return (span.primary, span.entry, false)
        }
        if let learner, let i = learner.entry(forPost: post) { return (learner.learned[i].primary, i, true) }
        return nil
    }
}

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
    /// The outer IP header's addresses before and after (nil when nothing changed).
    public var addresses: IPAddressChanges? = nil
    public var changed: Bool { destinationSpan >= 0 || sourceSpan >= 0 }
}

/// Looks up the address a packet's destination or source must become.
public protocol AddressMapping {
    /// (post-migration address, span id, learned) for a primary address at `time`.
    func postAddress(forPrimary primary: IPAddress, at time: Timestamp) -> (IPAddress, Int, Bool)?
    /// (primary address, span id, learned) for a post-migration address at `time`.
    func primaryAddress(forPost post: IPAddress, at time: Timestamp) -> (IPAddress, Int, Bool)?
}

/// The migration NAT's rewriting rules (SPEC §1), written on PacketWire's truncation-tolerant
/// views: the IP header behind any link header (`MutableIPPacket`), the checksums that cover its
/// addresses, the header an ICMP error quotes. The views write only captured bytes and update a
/// checksum only where its field was captured, incrementally (RFC 1624), so a truncated packet
/// is rewritten as far as it goes and a wrong checksum stays wrong by the same amount.
public enum AddressRewriter {
    /// Rewrites `bytes` (a captured frame of `linkType`) at `time`. Returns what changed.
    @inline(__always)
    public static func rewrite<Mapping: AddressMapping>(
        _ bytes: UnsafeMutableRawBufferPointer, linkType: UInt16, at time: Timestamp,
        checks: DirectionChecks, mapping: Mapping
    ) -> RewriteOutcome {
        var outcome = RewriteOutcome()
        // An address only partly captured is not matched.
        guard let ip = MutableIPPacket(frame: bytes, linkType: LinkType(rawValue: linkType)),
              let source = ip.capturedSourceAddress else { return outcome }
        var newSource = source
        if checks.source, let (primary, span, learned) = mapping.primaryAddress(forPost: source, at: time) {
            newSource = primary
            outcome.sourceSpan = span
            outcome.sourceLearned = learned
        }
        let destination = ip.capturedDestinationAddress
        var newDestination = destination
        if checks.destination, let destination,
           let (post, span, learned) = mapping.postAddress(forPrimary: destination, at: time) {
            newDestination = post
            outcome.destinationSpan = span
            outcome.destinationLearned = learned
        }
        guard outcome.changed else { return outcome }
        var changes = IPAddressChanges(source: source, destination: destination ?? source)
        changes.newSource = newSource
        changes.newDestination = newDestination ?? source
        outcome.addresses = changes
        // Addresses on every fragment; the upper layer's checksum only where it starts (the
        // first fragment).
        if outcome.sourceSpan >= 0 { ip.rewriteSourceAddress(changes.newSource) }
        if outcome.destinationSpan >= 0 { ip.rewriteDestinationAddress(changes.newDestination) }
        guard let upperLayer = ip.capturedUpperLayer else { return outcome }
        upperLayer.updatePseudoHeaderChecksum(for: changes)
        if let error = upperLayer.capturedICMPError {
            outcome.translatedEmbedded = translateQuoted(error, outer: changes)
        }
        return outcome
    }

    /// RFC 5508: the header an ICMP error quotes is the packet the erring node saw, so its
    /// addresses are translated the opposite way — outer source post→primary implies quoted
    /// destination post→primary; outer destination primary→post implies quoted source
    /// primary→post. The quoted IPv4 header checksum and transport checksum are updated where
    /// captured, and the error's checksum for every changed word. Returns whether it changed.
    static func translateQuoted(_ error: MutableICMPError, outer: IPAddressChanges) -> Bool {
        let quoted = error.quoted
        guard let source = quoted.capturedSourceAddress else { return false }
        let destination = quoted.capturedDestinationAddress
        var changes = IPAddressChanges(source: source, destination: destination ?? source)
        if outer.oldSource != outer.newSource, let destination, destination == outer.oldSource {
            changes.newDestination = outer.newSource
        }
        if outer.oldDestination != outer.newDestination, source == outer.oldDestination {
            changes.newSource = outer.newDestination
        }
        guard !changes.isEmpty else { return false }
        if changes.newDestination != changes.oldDestination {
            error.updateChecksum(replacing: changes.oldDestination, with: changes.newDestination)
            if let (old, new) = quoted.rewriteDestinationAddress(changes.newDestination) {
                error.updateChecksum(replacing: old, with: new)
            }
        }
        if changes.newSource != changes.oldSource {
            error.updateChecksum(replacing: changes.oldSource, with: changes.newSource)
            if let (old, new) = quoted.rewriteSourceAddress(changes.newSource) {
                error.updateChecksum(replacing: old, with: new)
            }
        }
        if let (old, new) = quoted.capturedUpperLayer?.updatePseudoHeaderChecksum(for: changes) {
            error.updateChecksum(replacing: old, with: new)
        }
        return true
    }
}

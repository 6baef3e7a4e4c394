import CaptureFile
import PacketWire

/// What the fabric needs of a frame: its segment, MACs and ARP sender, all from the outermost
/// Ethernet header (SPEC §2: a tunnel payload — VXLAN, GENEVE, GRE — is opaque to the edge devices).
public struct FabricFrame: Sendable {
    public var segment = Segment(vlan: 0)
    public var source = MACAddress.zero
    public var destination = MACAddress.zero
    /// The source can be learned (unicast, not zero).
    public var learnable = false
    /// An ARP request or reply (not RARP) with a sender IP other than 0.0.0.0.
    public var isARP = false
    public var senderIP: UInt32 = 0
    public var senderMAC = MACAddress.zero

    public init() {}

    public var isUnicast: Bool { destination.isUnicast }
    public var sourceKey: StationKey { StationKey(segment: segment, mac: source) }
    public var destinationKey: StationKey { StationKey(segment: segment, mac: destination) }
}

/// Extracts `FabricFrame`s from decoded packets by their outermost Ethernet header.
struct FabricFrameExtractor {
    /// Fills `frame` from `decoded`; false when the packet is not an Ethernet frame.
    @inline(__always)
    func extract(_ decoded: DecodedPacket, bytes: UnsafeRawBufferPointer, into frame: inout FabricFrame) -> Bool {
        guard decoded.layers.contains(.ethernet), let source = decoded.sourceMACAddress,
              let destination = decoded.destinationMACAddress else { return false }
        fill(&frame, decoded, segment: Segment(vlan: decoded.outerVLANIdentifier), source: source, destination: destination)
        return true
    }

    @inline(__always)
    private func fill(_ frame: inout FabricFrame, _ decoded: DecodedPacket, segment: Segment, source: MACAddress,
                      destination: MACAddress) {
        frame.segment = segment
        frame.source = source
        frame.destination = destination
        frame.learnable = source.isUnicast && !source.isZero
        frame.isARP = false
        if let arp = decoded.arp, decoded.etherType == .arp, arp.operation == .request || arp.operation == .reply,
           !arp.senderProtocolAddress.isUnspecified {
            frame.isARP = true
            frame.senderIP = arp.senderProtocolAddress.rawValue
            frame.senderMAC = arp.senderHardwareAddress
        }
    }
}

/// Where the IP header of a captured frame starts, for code that edits it in place (the
/// migration NAT): after the link header of the capture's link type and any number of 802.1Q /
/// 802.1ad tags. Tolerant of truncation: it needs only the bytes up to the IP version nibble.
public enum NetworkLayer {
    /// The offset of the IP header and its version (4 or 6), or nil for a frame that carries
    /// no IP (or whose link type is not one of Ethernet, Linux SLL/SLL2, raw IP, BSD loopback).
    @inlinable  // the migration NAT calls it for every packet
    public static func locate(_ b: UnsafeRawBufferPointer, linkType: LinkType) -> (offset: Int, version: Int)? {
        var offset: Int
        var etherType: EtherType
        switch linkType {
        case .ethernet:
            guard b.count >= EthernetField.payload else { return nil }
            offset = EthernetField.etherType
            etherType = EtherType(rawValue: b.readUInt16(at: offset))
            while etherType == .vlan || etherType == .qinq || etherType == .vlanDoubleTag {
                offset += 4  // one 802.1Q / 802.1ad tag
                guard b.count >= offset + 2 else { return nil }
                etherType = EtherType(rawValue: b.readUInt16(at: offset))
            }
            offset += 2
        case .linuxSLL:
            guard b.count >= LinuxSLLField.payload else { return nil }
            etherType = EtherType(rawValue: b.readUInt16(at: LinuxSLLField.protocolType))
            offset = LinuxSLLField.payload
        case .linuxSLL2:
            guard b.count >= LinuxSLL2Field.payload else { return nil }
            etherType = EtherType(rawValue: b.readUInt16(at: LinuxSLL2Field.protocolType))
            offset = LinuxSLL2Field.payload
        case .raw, .ipv4, .ipv6, LinkType(rawValue: 12), LinkType(rawValue: 14):  // raw IP (12, 14: BSD values of DLT_RAW)
            return ipVersion(b, at: 0, expecting: nil)
        case .null, .loop:  // a 4-byte address family, then IP
            return ipVersion(b, at: 4, expecting: nil)
        default:
            return nil
        }
        switch etherType {
        case .ipv4: return ipVersion(b, at: offset, expecting: 4)
        case .ipv6: return ipVersion(b, at: offset, expecting: 6)
        default: return nil
        }
    }

    @inlinable
    static func ipVersion(_ b: UnsafeRawBufferPointer, at offset: Int, expecting: Int?) -> (offset: Int, version: Int)? {
        guard b.count > offset else { return nil }
        let version = Int(b[offset] >> 4)
        guard version == 4 || version == 6, expecting == nil || expecting == version else { return nil }
        return (offset, version)
    }
}

// EVPN NLRI (RFC 7432 section 7), carried in MP_REACH_NLRI / MP_UNREACH_NLRI of AFI 25, SAFI 70:
//
//  +-----------------------------------+
//  |    Route Type (1 octet)           |
//  +-----------------------------------+
//  |     Length (1 octet)              |
//  +-----------------------------------+
//  | Route Type specific (variable)    |
//  +-----------------------------------+
//
// preceded by a 4-byte path identifier under ADD-PATH (RFC 7911). The route types:
//
//  1 Ethernet Auto-Discovery: RD (8) | ESI (10) | Ethernet Tag (4) | MPLS Label (3)      = 25
//  2 MAC/IP Advertisement:    RD (8) | ESI (10) | Ethernet Tag (4) | MAC Length (1, bits)
//                             | MAC (6) | IP Length (1, bits: 0, 32, 128) | IP (0, 4, 16)
//                             | MPLS Label1 (3) | [MPLS Label2 (3)]                    = 33..52
//  3 Inclusive Multicast:     RD (8) | Ethernet Tag (4) | IP Length (1) | Originator IP = 17, 29
//  4 Ethernet Segment:        RD (8) | ESI (10) | IP Length (1) | Originator IP         = 23, 35
//  5 IP Prefix (RFC 9136):    RD (8) | ESI (10) | Ethernet Tag (4) | IP Prefix Length (1)
//                             | IP Prefix (4, 16) | Gateway IP (4, 16) | MPLS Label (3)  = 34, 58
//
// A label field is 3 bytes: an MPLS label in its high 20 bits, or, with VXLAN encapsulation
// (RFC 8365 section 5.1.3), a 24-bit VNI.

/// An EVPN route type (IANA registry). Unknown types survive.
public struct EVPNRouteType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Ethernet Auto-Discovery, 1.
    @inlinable public static var ethernetAutoDiscovery: EVPNRouteType { EVPNRouteType(rawValue: 1) }
    /// MAC/IP Advertisement, 2.
    @inlinable public static var macIPAdvertisement: EVPNRouteType { EVPNRouteType(rawValue: 2) }
    /// Inclusive Multicast Ethernet Tag, 3.
    @inlinable public static var inclusiveMulticast: EVPNRouteType { EVPNRouteType(rawValue: 3) }
    /// Ethernet Segment, 4.
    @inlinable public static var ethernetSegment: EVPNRouteType { EVPNRouteType(rawValue: 4) }
    /// IP Prefix (RFC 9136), 5.
    @inlinable public static var ipPrefix: EVPNRouteType { EVPNRouteType(rawValue: 5) }

    /// A short name (`mac-ip`, `inclusive-multicast`...) or the number.
    public var description: String {
        switch rawValue {
        case 1: "ethernet-ad"
        case 2: "mac-ip"
        case 3: "inclusive-multicast"
        case 4: "ethernet-segment"
        case 5: "ip-prefix"
        default: String(rawValue)
        }
    }
}

/// A Route Distinguisher (RFC 4364 section 4.2): a 2-byte type and 6 value bytes.
public struct RouteDistinguisher: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 8 bytes, first most significant.
    public let rawValue: UInt64

    /// Wraps 8 bytes.
    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Parses `65000:100` (type 0), `192.0.2.1:100` (type 1) or `4200000000:100` (type 2).
    public init?(_ text: String) {
        guard let (kind, value) = BGPAdministratorText.parse(text) else { return nil }
        self.init(rawValue: UInt64(kind) << 48 | value)
    }

    /// The type: 0 (2-byte AS), 1 (IPv4 address), 2 (4-byte AS).
    @inlinable public var type: UInt16 { UInt16(truncatingIfNeeded: rawValue >> 48) }

    /// As tshark writes it in parentheses: `172.21.64.17:2`, `65000:100`.
    public var description: String {
        BGPAdministratorText.render(kind: type, value: rawValue & 0xFFFF_FFFF_FFFF)
    }
}

/// An Ethernet Segment Identifier (RFC 7432 section 5): a type byte and 9 value bytes.
public struct EthernetSegmentIdentifier: Hashable, Sendable, CustomStringConvertible {
    /// The first two bytes.
    public let high: UInt16
    /// The last eight bytes.
    public let low: UInt64

    /// Creates an identifier from its two parts.
    @inlinable
    public init(high: UInt16, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Reads ten bytes at `offset` without a bounds check.
    @inlinable
    internal init(unchecked bytes: UnsafeRawBufferPointer, at offset: Int) {
        self.init(high: bytes.readUInt16(at: offset), low: bytes.readUInt64(at: offset + 2))
    }

    /// The all-zero identifier (a single-homed segment).
    @inlinable public static var zero: EthernetSegmentIdentifier { EthernetSegmentIdentifier(high: 0, low: 0) }
    /// The ESI type (first byte).
    @inlinable public var type: UInt8 { UInt8(truncatingIfNeeded: high >> 8) }
    /// Whether all ten bytes are zero.
    @inlinable public var isZero: Bool { high == 0 && low == 0 }

    /// The ten bytes in lower-case hex separated by colons, as tshark writes them.
    public var description: String {
        var parts = [TextFormat.hex(high >> 8, width: 2), TextFormat.hex(high & 0xFF, width: 2)]
        for i in 0..<8 { parts.append(TextFormat.hex(low >> UInt64(56 - 8 * i) & 0xFF, width: 2)) }
        return parts.joined(separator: ":")
    }

    /// Writes the ten bytes at `offset` without a bounds check.
    @inlinable
    internal func write(to bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes.writeUInt16(high, at: offset)
        bytes.writeUInt64(low, at: offset + 2)
    }
}

/// One EVPN NLRI as found on the wire: its type and value bytes.
public struct EVPNRouteView {
    /// The route type.
    public let type: EVPNRouteType
    /// The route-type-specific bytes.
    public let value: UnsafeRawBufferPointer
    /// The ADD-PATH path identifier, when the walk was told to expect one.
    public let pathIdentifier: UInt32?
    /// Where the NLRI (its path identifier, if any) starts in the walked bytes.
    public let offset: Int

    /// Wraps an NLRI's parts.
    @inlinable
    public init(type: EVPNRouteType, value: UnsafeRawBufferPointer, pathIdentifier: UInt32?, offset: Int) {
        self.type = type
        self.value = value
        self.pathIdentifier = pathIdentifier
        self.offset = offset
    }
}

/// Walks EVPN NLRI; each is checked to fit before it is returned, and one whose length runs
/// past the end stops the walk with `truncated`.
public struct EVPNRouteIterator {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline let addPath: Bool
    @usableFromInline var offset = 0

    /// Walks `bytes`, with a path identifier before each NLRI when `addPath`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, addPath: Bool = false) {
        self.bytes = bytes
        self.addPath = addPath
    }

    /// Whether `bytes` read as EVPN routes (each of type 1 to 5, of a length its type allows)
    /// with path identifiers and not without them: how to tell ADD-PATH when the session's OPENs
    /// were not captured.
    public static func likelyAddPath(_ bytes: UnsafeRawBufferPointer) -> Bool {
        func valid(_ addPath: Bool) -> Bool {
            var iterator = EVPNRouteIterator(bytes, addPath: addPath)
            do {
                while let view = try iterator.next() { _ = try EVPNRoute(view) }
                return true
            } catch {
                return false
            }
        }
        return !bytes.isEmpty && valid(true) && !valid(false)
    }

    /// The next NLRI, or nil at the end.
    @inlinable
    public mutating func next() throws(WireError) -> EVPNRouteView? {
        guard offset < bytes.count else { return nil }
        let start = offset
        var at = start
        var pathIdentifier: UInt32? = nil
        if addPath {
            guard at + 4 <= bytes.count else { throw WireError(.truncated, at: bytes.count) }
            pathIdentifier = bytes.readUInt32(at: at)
            at += 4
        }
        guard at + 2 <= bytes.count else { throw WireError(.truncated, at: bytes.count) }
        let type = EVPNRouteType(rawValue: bytes.readUInt8(at: at))
        let end = at + 2 + Int(bytes.readUInt8(at: at + 1))
        guard end <= bytes.count else { throw WireError(.truncated, at: bytes.count) }
        offset = end
        return EVPNRouteView(type: type, value: bytes.slice(from: at + 2, to: end), pathIdentifier: pathIdentifier,
                             offset: start)
    }
}

/// The fields of an EVPN route of type 1 to 5; a field a type does not carry is nil.
public struct EVPNRoute: Hashable, Sendable {
    /// The route type.
    public var type: EVPNRouteType
    /// The Route Distinguisher.
    public var routeDistinguisher: RouteDistinguisher
    /// The Ethernet Segment Identifier (types 1, 2, 4, 5).
    public var esi: EthernetSegmentIdentifier?
    /// The Ethernet Tag ID (types 1, 2, 3, 5).
    public var ethernetTag: UInt32?
    /// The MAC address (type 2).
    public var mac: MACAddress?
    /// The IP address (type 2, when present), the originating router's (types 3, 4) or the
    /// prefix (type 5).
    public var ip: IPAddress?
    /// The prefix length (type 5).
    public var prefixLength: UInt8?
    /// The gateway address (type 5).
    public var gateway: IPAddress?
    /// The first label field, 24 bits as on the wire (types 1, 2, 5).
    public var label1: UInt32?
    /// The second label field (type 2, when present).
    public var label2: UInt32?
    /// The ADD-PATH path identifier.
    public var pathIdentifier: UInt32?

    /// Creates a route from its fields.
    public init(
        type: EVPNRouteType, routeDistinguisher: RouteDistinguisher, esi: EthernetSegmentIdentifier? = nil,
        ethernetTag: UInt32? = nil, mac: MACAddress? = nil, ip: IPAddress? = nil, prefixLength: UInt8? = nil,
        gateway: IPAddress? = nil, label1: UInt32? = nil, label2: UInt32? = nil, pathIdentifier: UInt32? = nil
    ) {
        self.type = type
        self.routeDistinguisher = routeDistinguisher
        self.esi = esi
        self.ethernetTag = ethernetTag
        self.mac = mac
        self.ip = ip
        self.prefixLength = prefixLength
        self.gateway = gateway
        self.label1 = label1.map { $0 & 0xFF_FFFF }
        self.label2 = label2.map { $0 & 0xFF_FFFF }
        self.pathIdentifier = pathIdentifier
    }

    /// The MPLS label in the high 20 bits of a label field.
    @inlinable
    public static func mplsLabel(_ field: UInt32) -> UInt32 { field >> 4 & 0xF_FFFF }

    /// Reads the fields of a route of type 1 to 5: a length that fits no form of its type is
    /// `invalidField` (offset 1, the length byte), other types are `unsupported`.
    public init(_ view: EVPNRouteView) throws(WireError) {
        let v = view.value
        let lengthError = WireError(.invalidField, at: 1)
        func address(at offset: Int, bits: Int) throws(WireError) -> IPAddress? {
            switch bits {
            case 0: return nil
            case 32: return .v4(IPv4Address(rawValue: v.readUInt32(at: offset)))
            case 128: return .v6(IPv6Address(high: v.readUInt64(at: offset), low: v.readUInt64(at: offset + 8)))
            default: throw WireError(.invalidField, at: 2 + offset - 1)
            }
        }
        func label(at offset: Int) -> UInt32 {
            UInt32(v.readUInt16(at: offset)) << 8 | UInt32(v.readUInt8(at: offset + 2))
        }
        guard v.count >= 8 else { throw lengthError }
        let rd = RouteDistinguisher(rawValue: v.readUInt64(at: 0))
        self.init(type: view.type, routeDistinguisher: rd, pathIdentifier: view.pathIdentifier)
        switch view.type {
        case .ethernetAutoDiscovery:
            guard v.count == 25 else { throw lengthError }
            esi = EthernetSegmentIdentifier(unchecked: v, at: 8)
            ethernetTag = v.readUInt32(at: 18)
            label1 = label(at: 22)
        case .macIPAdvertisement:
            guard v.count >= 30 else { throw lengthError }
            esi = EthernetSegmentIdentifier(unchecked: v, at: 8)
            ethernetTag = v.readUInt32(at: 18)
            guard v.readUInt8(at: 22) == 48 else { throw WireError(.invalidField, at: 2 + 22) }
            mac = MACAddress(unchecked: v, at: 23)
            let ipBits = Int(v.readUInt8(at: 29))
            let ipBytes = ipBits / 8
            guard [0, 32, 128].contains(ipBits) else { throw WireError(.invalidField, at: 2 + 29) }
            let labels = 30 + ipBytes
            guard v.count == labels + 3 || v.count == labels + 6 else { throw lengthError }
            ip = try address(at: 30, bits: ipBits)
            label1 = label(at: labels)
            if v.count == labels + 6 { label2 = label(at: labels + 3) }
        case .inclusiveMulticast:
            guard v.count >= 13 else { throw lengthError }
            ethernetTag = v.readUInt32(at: 8)
            let ipBits = Int(v.readUInt8(at: 12))
            guard ipBits == 32 || ipBits == 128 else { throw WireError(.invalidField, at: 2 + 12) }
            guard v.count == 13 + ipBits / 8 else { throw lengthError }
            ip = try address(at: 13, bits: ipBits)
        case .ethernetSegment:
            guard v.count >= 19 else { throw lengthError }
            esi = EthernetSegmentIdentifier(unchecked: v, at: 8)
            let ipBits = Int(v.readUInt8(at: 18))
            guard ipBits == 32 || ipBits == 128 else { throw WireError(.invalidField, at: 2 + 18) }
            guard v.count == 19 + ipBits / 8 else { throw lengthError }
            ip = try address(at: 19, bits: ipBits)
        case .ipPrefix:
            let bits: Int
            switch v.count {
            case 34: bits = 32
            case 58: bits = 128
            default: throw lengthError
            }
            esi = EthernetSegmentIdentifier(unchecked: v, at: 8)
            ethernetTag = v.readUInt32(at: 18)
            let length = v.readUInt8(at: 22)
            guard Int(length) <= bits else { throw WireError(.invalidField, at: 2 + 22) }
            prefixLength = length
            ip = try address(at: 23, bits: bits)
            gateway = try address(at: 23 + bits / 8, bits: bits)
            label1 = label(at: 23 + bits / 4)
        default:
            throw WireError(.unsupported, at: 0)
        }
    }

    /// The length of the route-type-specific value as emitted.
    public var valueLength: Int {
        func ipLength(_ address: IPAddress?) -> Int {
            switch address {
            case .none: 0
            case .v4: 4
            case .v6: 16
            }
        }
        switch type {
        case .ethernetAutoDiscovery: return 25
        case .macIPAdvertisement: return 33 + ipLength(ip) + (label2 == nil ? 0 : 3)
        case .inclusiveMulticast: return 13 + ipLength(ip)
        case .ethernetSegment: return 19 + ipLength(ip)
        case .ipPrefix: return 22 + 1 + 2 * ipLength(ip) + 3
        default: return 8
        }
    }

    /// The length of the NLRI as emitted: path identifier, type, length and value.
    public var length: Int { (pathIdentifier == nil ? 0 : 4) + 2 + valueLength }

    /// Writes the NLRI at `offset`: path identifier (if any), type, length and value.
    public func emit(into buffer: UnsafeMutableRawBufferPointer, at offset: Int = 0) throws(WireError) {
        try requireLength(buffer.count, offset + length)
        switch type {
        case .inclusiveMulticast, .ethernetSegment, .ipPrefix:
            guard ip != nil else { throw WireError(.invalidField, at: offset) }
        default:
            break
        }
        var at = offset
        if let pathIdentifier {
            buffer.writeUInt32(pathIdentifier, at: at)
            at += 4
        }
        buffer.writeUInt8(type.rawValue, at: at)
        buffer.writeUInt8(UInt8(valueLength), at: at + 1)
        at += 2
        func put(_ address: IPAddress?) {
            switch address {
            case .none: break
            case .v4(let a):
                buffer.writeUInt32(a.rawValue, at: at)
                at += 4
            case .v6(let a):
                buffer.writeUInt64(a.high, at: at)
                buffer.writeUInt64(a.low, at: at + 8)
                at += 16
            }
        }
        func bits(_ address: IPAddress?) -> UInt8 {
            switch address {
            case .none: 0
            case .v4: 32
            case .v6: 128
            }
        }
        func putLabel(_ field: UInt32?) {
            let field = field ?? 0
            buffer.writeUInt16(UInt16(truncatingIfNeeded: field >> 8), at: at)
            buffer.writeUInt8(UInt8(truncatingIfNeeded: field), at: at + 2)
            at += 3
        }
        buffer.writeUInt64(routeDistinguisher.rawValue, at: at)
        at += 8
        switch type {
        case .ethernetAutoDiscovery, .macIPAdvertisement, .ipPrefix:
            (esi ?? .zero).write(to: buffer, at: at)
            buffer.writeUInt32(ethernetTag ?? 0, at: at + 10)
            at += 14
            if type == .ethernetAutoDiscovery {
                putLabel(label1)
            } else if type == .macIPAdvertisement {
                buffer.writeUInt8(48, at: at)
                (mac ?? .zero).write(to: buffer, at: at + 1)
                buffer.writeUInt8(bits(ip), at: at + 7)
                at += 8
                put(ip)
                putLabel(label1)
                if let label2 { putLabel(label2) }
            } else {
                buffer.writeUInt8(prefixLength ?? 0, at: at)
                at += 1
                put(ip)
                switch (ip, gateway) {
                case (.v4, .v4?), (.v6, .v6?): put(gateway)
                case (.v4, _): put(.v4(.any))
                case (.v6, _): put(.v6(.any))
                case (.none, _): break
                }
                putLabel(label1)
            }
        case .inclusiveMulticast:
            buffer.writeUInt32(ethernetTag ?? 0, at: at)
            buffer.writeUInt8(bits(ip), at: at + 4)
            at += 5
            put(ip)
        case .ethernetSegment:
            (esi ?? .zero).write(to: buffer, at: at)
            buffer.writeUInt8(bits(ip), at: at + 10)
            at += 11
            put(ip)
        default:
            break
        }
    }
}

// BGP-4 message header (RFC 4271 section 4.1):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                                                               |
//  +                                                               +
//  |                           Marker                              |
//  +                      (16 bytes, all ones)                     +
//  |                                                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          Length               |      Type     |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Length counts the whole message, header included: 19 to 4096 bytes, or to 65535 with the
// Extended Message capability (RFC 8654). The body follows the header.

/// Byte offsets of the BGP message header fields.
@usableFromInline
enum BGPField {
    @inlinable static var marker: Int { 0 }
    @inlinable static var markerLength: Int { 16 }
    @inlinable static var length: Int { 16 }
    @inlinable static var type: Int { 18 }
    @inlinable static var body: Int { 19 }
}

/// A BGP message type (RFC 4271, RFC 2918). Unknown types survive.
public struct BGPMessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// OPEN, 1.
    @inlinable public static var open: BGPMessageType { BGPMessageType(rawValue: 1) }
    /// UPDATE, 2.
    @inlinable public static var update: BGPMessageType { BGPMessageType(rawValue: 2) }
    /// NOTIFICATION, 3.
    @inlinable public static var notification: BGPMessageType { BGPMessageType(rawValue: 3) }
    /// KEEPALIVE, 4.
    @inlinable public static var keepalive: BGPMessageType { BGPMessageType(rawValue: 4) }
    /// ROUTE-REFRESH (RFC 2918), 5.
    @inlinable public static var routeRefresh: BGPMessageType { BGPMessageType(rawValue: 5) }

    /// The type's name, or its decimal number.
    public var description: String {
        switch rawValue {
        case 1: "open"
        case 2: "update"
        case 3: "notification"
        case 4: "keepalive"
        case 5: "route-refresh"
        default: String(rawValue)
        }
    }
}

/// A read-only view of one BGP message: the 19-byte header and the body its length announces.
public struct BGPMessage {
    /// The message's bytes, exactly `length` of them.
    public let bytes: UnsafeRawBufferPointer

    /// The length of the header, 19 bytes.
    @inlinable public static var headerLength: Int { BGPField.body }
    /// The largest length a message may announce (RFC 8654 extended messages).
    @inlinable public static var maximumLength: Int { 65535 }

    /// Wraps the message at the start of `bytes` after checking its marker, its length field
    /// (at least 19) and that `bytes` hold all of it; later bytes are not part of the view.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        let length = try BGPMessage.announcedLength(bytes)
        try requireLength(bytes.count, length)
        self.bytes = bytes.slice(from: 0, to: length)
    }

    /// Wraps `bytes` that the caller has checked hold exactly one message.
    @inlinable
    public init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The length a message header at the start of `bytes` announces, after checking the
    /// marker and that the length is at least 19; the body need not be there yet (a stream
    /// framer asks this before the rest has arrived).
    @inlinable
    public static func announcedLength(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> Int {
        try requireLength(bytes.count, BGPField.body)
        guard hasMarker(bytes, at: 0) else { throw WireError(.invalidField, at: BGPField.marker) }
        let length = Int(bytes.readUInt16(at: BGPField.length))
        guard length >= BGPField.body else { throw WireError(.invalidField, at: BGPField.length) }
        return length
    }

    /// Whether the 16 bytes at `offset` are all ones (the caller checked they exist).
    @inlinable
    internal static func hasMarker(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        bytes.readUInt64(at: offset) == .max && bytes.readUInt64(at: offset + 8) == .max
    }

    /// The offset of the first 16-byte all-ones marker at or after `start`, or nil.
    ///
    /// This is how a reader resynchronizes after a gap in a stream (SPEC §8).
    public static func firstMarker(in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        var run = 0
        var index = max(start, 0)
        while index < bytes.count {
            if bytes.readUInt8(at: index) == 0xFF {
                run += 1
                if run == BGPField.markerLength { return index - BGPField.markerLength + 1 }
            } else {
                run = 0
            }
            index += 1
        }
        return nil
    }

    /// The announced length, header included.
    @inlinable public var length: Int { Int(bytes.readUInt16(at: BGPField.length)) }
    /// The message type.
    @inlinable public var type: BGPMessageType { BGPMessageType(rawValue: bytes.readUInt8(at: BGPField.type)) }
    /// The body after the header.
    @inlinable public var body: UnsafeRawBufferPointer { bytes.slice(from: BGPField.body) }
}

/// Writes BGP message headers.
public enum BGPMessageHeader {
    /// Writes a marker, `length` and `type` at the start of `buffer`.
    @inlinable
    public static func emit(length: Int, type: BGPMessageType, into buffer: UnsafeMutableRawBufferPointer)
        throws(WireError)
    {
        try requireLength(buffer.count, BGPField.body)
        guard (BGPField.body...BGPMessage.maximumLength).contains(length) else {
            throw WireError(.invalidField, at: BGPField.length)
        }
        buffer.writeUInt64(.max, at: 0)
        buffer.writeUInt64(.max, at: 8)
        buffer.writeUInt16(UInt16(length), at: BGPField.length)
        buffer.writeUInt8(type.rawValue, at: BGPField.type)
    }
}

// OPEN message body (RFC 4271 section 4.2), after the header:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |    Version    |     My Autonomous System      |   Hold Time   :
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  :               |                BGP Identifier                 :
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  :               | Opt Parm Len  |  Optional Parameters (variable) ...
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Each optional parameter is (type 1 byte, length 1 byte, value); type 2 holds capabilities
// (RFC 5492), each (code 1 byte, length 1 byte, value). RFC 9072: an Opt Parm Len of 255 with a
// first parameter type of 255 announces extended parameters: a 2-byte total length follows and
// each parameter has a 2-byte length.

/// Byte offsets of the OPEN fields, from the start of the message.
@usableFromInline
enum BGPOpenField {
    @inlinable static var version: Int { 19 }
    @inlinable static var myAutonomousSystem: Int { 20 }
    @inlinable static var holdTime: Int { 22 }
    @inlinable static var identifier: Int { 24 }
    @inlinable static var optionalParametersLength: Int { 28 }
    @inlinable static var optionalParameters: Int { 29 }
}

/// A BGP capability code (RFC 5492 registry). Unknown codes survive.
public struct BGPCapabilityCode: RawRepresentable, Hashable, Sendable {
    /// The 8-bit value on the wire.
    public let rawValue: UInt8

    /// Wraps a value.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Multiprotocol extensions (RFC 4760), 1.
    @inlinable public static var multiprotocol: BGPCapabilityCode { BGPCapabilityCode(rawValue: 1) }
    /// Support for 4-octet AS numbers (RFC 6793), 65.
    @inlinable public static var fourOctetAS: BGPCapabilityCode { BGPCapabilityCode(rawValue: 65) }
    /// ADD-PATH (RFC 7911), 69.
    @inlinable public static var addPath: BGPCapabilityCode { BGPCapabilityCode(rawValue: 69) }
}

/// One capability of an OPEN: its code and value bytes.
public struct BGPCapability {
    /// The capability code.
    public let code: BGPCapabilityCode
    /// The value bytes.
    public let value: UnsafeRawBufferPointer
}

/// An address family: AFI and SAFI (RFC 4760).
public struct BGPAddressFamily: Hashable, Sendable, CustomStringConvertible {
    /// The Address Family Identifier.
    public var afi: UInt16
    /// The Subsequent Address Family Identifier.
    public var safi: UInt8

    /// Creates a family.
    @inlinable
    public init(afi: UInt16, safi: UInt8) {
        self.afi = afi
        self.safi = safi
    }

    /// IPv4 unicast (1/1).
    @inlinable public static var ipv4Unicast: BGPAddressFamily { BGPAddressFamily(afi: 1, safi: 1) }
    /// IPv6 unicast (2/1).
    @inlinable public static var ipv6Unicast: BGPAddressFamily { BGPAddressFamily(afi: 2, safi: 1) }
    /// L2VPN EVPN (25/70, RFC 7432).
    @inlinable public static var evpn: BGPAddressFamily { BGPAddressFamily(afi: 25, safi: 70) }

    /// `afi/safi` in decimal.
    public var description: String { "\(afi)/\(safi)" }
}

/// The ADD-PATH directions of one family (RFC 7911 section 4).
public struct BGPAddPathFamily: Hashable, Sendable {
    /// The family.
    public var family: BGPAddressFamily
    /// 1 receive, 2 send, 3 both.
    public var sendReceive: UInt8

    /// Creates an entry.
    @inlinable
    public init(family: BGPAddressFamily, sendReceive: UInt8) {
        self.family = family
        self.sendReceive = sendReceive
    }

    /// Whether the speaker will send path identifiers.
    @inlinable public var sends: Bool { sendReceive & 2 != 0 }
    /// Whether the speaker can receive path identifiers.
    @inlinable public var receives: Bool { sendReceive & 1 != 0 }
}

/// A read-only view of an OPEN message.
public struct BGPOpenMessage {
    /// The whole message, header first.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps an OPEN after checking its type, its fixed fields and that its optional parameters
    /// fit in the message.
    @inlinable
    public init(_ message: BGPMessage) throws(WireError) {
        guard message.type == .open else { throw WireError(.unsupported, at: BGPField.type) }
        let bytes = message.bytes
        try requireLength(bytes.count, BGPOpenField.optionalParameters)
        self.bytes = bytes
        let (start, end, _) = parameterBounds
        guard start <= end, end <= bytes.count else {
            throw WireError(.invalidField, at: BGPOpenField.optionalParametersLength)
        }
    }

    /// The BGP version (4).
    @inlinable public var version: UInt8 { bytes.readUInt8(at: BGPOpenField.version) }
    /// My Autonomous System (AS_TRANS, 23456, when the real one needs 4 bytes).
    @inlinable public var myAutonomousSystem: UInt16 { bytes.readUInt16(at: BGPOpenField.myAutonomousSystem) }
    /// The proposed hold time in seconds.
    @inlinable public var holdTime: UInt16 { bytes.readUInt16(at: BGPOpenField.holdTime) }
    /// The BGP Identifier.
    @inlinable public var identifier: IPv4Address {
        IPv4Address(rawValue: bytes.readUInt32(at: BGPOpenField.identifier))
    }

    /// Where the optional parameters start and end, and whether they are RFC 9072's extended form.
    @inlinable
    internal var parameterBounds: (start: Int, end: Int, extended: Bool) {
        let length = Int(bytes.readUInt8(at: BGPOpenField.optionalParametersLength))
        let start = BGPOpenField.optionalParameters
        if length == 255, bytes.count >= start + 3, bytes.readUInt8(at: start) == 255 {
            return (start + 3, start + 3 + Int(bytes.readUInt16(at: start + 1)), true)
        }
        return (start, start + length, false)
    }

    /// Every capability of every capabilities parameter, in order.
    public func capabilities() throws(WireError) -> [BGPCapability] {
        var result: [BGPCapability] = []
        let (start, end, extended) = parameterBounds
        let lengthSize = extended ? 2 : 1
        var offset = start
        while offset < end {
            guard offset + 1 + lengthSize <= end else { throw WireError(.truncated, at: offset) }
            let type = bytes.readUInt8(at: offset)
            let length = extended ? Int(bytes.readUInt16(at: offset + 1)) : Int(bytes.readUInt8(at: offset + 1))
            let valueStart = offset + 1 + lengthSize
            guard valueStart + length <= end else { throw WireError(.truncated, at: offset) }
            if type == 2 {
                var at = valueStart
                let valueEnd = valueStart + length
                while at < valueEnd {
                    guard at + 2 <= valueEnd else { throw WireError(.truncated, at: at) }
                    let capabilityLength = Int(bytes.readUInt8(at: at + 1))
                    guard at + 2 + capabilityLength <= valueEnd else { throw WireError(.truncated, at: at) }
                    result.append(BGPCapability(
                        code: BGPCapabilityCode(rawValue: bytes.readUInt8(at: at)),
                        value: bytes.slice(from: at + 2, to: at + 2 + capabilityLength)))
                    at += 2 + capabilityLength
                }
            }
            offset = valueStart + length
        }
        return result
    }
}

/// What an OPEN tells a reader of the session: the speaker's AS, and how its UPDATEs are encoded.
public struct BGPOpenHeader: Hashable, Sendable {
    /// The BGP version.
    public var version: UInt8
    /// My Autonomous System as sent (2 bytes).
    public var myAutonomousSystem: UInt16
    /// The hold time in seconds.
    public var holdTime: UInt16
    /// The BGP Identifier.
    public var identifier: IPv4Address
    /// The 4-octet AS number from capability 65, nil without it.
    public var fourOctetAS: UInt32?
    /// The families of the multiprotocol capabilities, in order.
    public var families: [BGPAddressFamily]
    /// The ADD-PATH capability's entries, in order.
    public var addPath: [BGPAddPathFamily]

    /// Creates a header from its fields.
    public init(
        version: UInt8 = 4, myAutonomousSystem: UInt16, holdTime: UInt16, identifier: IPv4Address,
        fourOctetAS: UInt32? = nil, families: [BGPAddressFamily] = [], addPath: [BGPAddPathFamily] = []
    ) {
        self.version = version
        self.myAutonomousSystem = myAutonomousSystem
        self.holdTime = holdTime
        self.identifier = identifier
        self.fourOctetAS = fourOctetAS
        self.families = families
        self.addPath = addPath
    }

    /// Reads the fields and the capabilities roamcap needs; a malformed capability is an error.
    public init(_ open: BGPOpenMessage) throws(WireError) {
        self.init(myAutonomousSystem: open.myAutonomousSystem, holdTime: open.holdTime, identifier: open.identifier)
        version = open.version
        for capability in try open.capabilities() {
            let value = capability.value
            switch capability.code {
            case .multiprotocol where value.count >= 4:
                families.append(BGPAddressFamily(afi: value.readUInt16(at: 0), safi: value.readUInt8(at: 3)))
            case .fourOctetAS where value.count >= 4:
                fourOctetAS = value.readUInt32(at: 0)
            case .addPath:
                var at = 0
                while at + 4 <= value.count {
                    addPath.append(BGPAddPathFamily(
                        family: BGPAddressFamily(afi: value.readUInt16(at: at), safi: value.readUInt8(at: at + 2)),
                        sendReceive: value.readUInt8(at: at + 3)))
                    at += 4
                }
            default:
                break
            }
        }
    }

    /// The AS number: the 4-octet one when announced, else My Autonomous System.
    public var autonomousSystem: UInt32 { fourOctetAS ?? UInt32(myAutonomousSystem) }

    /// The length of the emitted message.
    public var length: Int { BGPOpenField.optionalParameters + capabilitiesLength }

    /// The bytes of the capabilities as one optional parameter of type 2 (0 when there is none).
    private var capabilitiesLength: Int {
        let inner = families.count * 6 + (fourOctetAS == nil ? 0 : 6) + (addPath.isEmpty ? 0 : 2 + 4 * addPath.count)
        return inner == 0 ? 0 : 2 + inner
    }

    /// Writes the whole OPEN message, header first, capabilities in one parameter.
    public func emit(into buffer: UnsafeMutableRawBufferPointer) throws(WireError) {
        let length = self.length
        try requireLength(buffer.count, length)
        guard capabilitiesLength <= 255 else { throw WireError(.unsupported, at: BGPOpenField.optionalParametersLength) }
        try BGPMessageHeader.emit(length: length, type: .open, into: buffer)
        buffer.writeUInt8(version, at: BGPOpenField.version)
        buffer.writeUInt16(myAutonomousSystem, at: BGPOpenField.myAutonomousSystem)
        buffer.writeUInt16(holdTime, at: BGPOpenField.holdTime)
        buffer.writeUInt32(identifier.rawValue, at: BGPOpenField.identifier)
        buffer.writeUInt8(UInt8(capabilitiesLength), at: BGPOpenField.optionalParametersLength)
        guard capabilitiesLength > 0 else { return }
        var at = BGPOpenField.optionalParameters
        buffer.writeUInt8(2, at: at)
        buffer.writeUInt8(UInt8(capabilitiesLength - 2), at: at + 1)
        at += 2
        for family in families {
            buffer.writeUInt8(BGPCapabilityCode.multiprotocol.rawValue, at: at)
            buffer.writeUInt8(4, at: at + 1)
            buffer.writeUInt16(family.afi, at: at + 2)
            buffer.writeUInt8(0, at: at + 4)
            buffer.writeUInt8(family.safi, at: at + 5)
            at += 6
        }
        if let fourOctetAS {
            buffer.writeUInt8(BGPCapabilityCode.fourOctetAS.rawValue, at: at)
            buffer.writeUInt8(4, at: at + 1)
            buffer.writeUInt32(fourOctetAS, at: at + 2)
            at += 6
        }
        if !addPath.isEmpty {
            buffer.writeUInt8(BGPCapabilityCode.addPath.rawValue, at: at)
            buffer.writeUInt8(UInt8(4 * addPath.count), at: at + 1)
            at += 2
            for entry in addPath {
                buffer.writeUInt16(entry.family.afi, at: at)
                buffer.writeUInt8(entry.family.safi, at: at + 2)
                buffer.writeUInt8(entry.sendReceive, at: at + 3)
                at += 4
            }
        }
    }
}


// BOOTP/DHCP message (RFC 2131 section 2), after the UDP header:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +---------------+---------------+---------------+---------------+
//  |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
//  +---------------+---------------+---------------+---------------+
//  |                            xid (4)                            |
//  +-------------------------------+-------------------------------+
//  |           secs (2)            |           flags (2)           |
//  +-------------------------------+-------------------------------+
//  |                          ciaddr  (4)                          |
//  |                          yiaddr  (4)                          |
//  |                          siaddr  (4)                          |
//  |                          giaddr  (4)                          |
//  |                          chaddr  (16)                         |
//  |                          sname   (64)                         |
//  |                          file    (128)                        |
//  |                 magic cookie 99.130.83.99 (4)                 |
//  |                          options (variable)                   |
//  +---------------------------------------------------------------+

/// Byte offsets of the DHCP fields used here.
enum DHCPField {
    static let operation = 0
    static let hardwareType = 1
    static let hardwareLength = 2
    static let yourAddress = 16
    static let clientHardwareAddress = 28
    static let magicCookie = 236
    static let options = 240
    static let cookie: UInt32 = 0x6382_5363
    static let messageTypeOption: UInt8 = 53
    static let ack: UInt8 = 5
}

/// The binding a DHCPACK gives: `yiaddr` to `chaddr` (Ethernet only).
public struct DHCPAck: Sendable {
    public var yourAddress: IPv4Address
    public var clientHardwareAddress: MACAddress

    /// Reads a DHCPACK from the UDP payload at `offset` (`length` bytes claimed); nil for any
    /// other message, another hardware type, or bytes not captured.
    public init?(_ bytes: UnsafeRawBufferPointer, at offset: Int, length: Int) {
        guard offset >= 0, offset < bytes.count else { return nil }
        let end = min(bytes.count, offset + max(length, 0))
        guard end - offset > DHCPField.options else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
        func u8(_ at: Int) -> UInt8 { body[at] }
        func u32(_ at: Int) -> UInt32 {
            UInt32(body[at]) << 24 | UInt32(body[at + 1]) << 16 | UInt32(body[at + 2]) << 8 | UInt32(body[at + 3])
        }
        guard u8(DHCPField.operation) == 2, u8(DHCPField.hardwareType) == 1, u8(DHCPField.hardwareLength) == 6,
              u32(DHCPField.magicCookie) == DHCPField.cookie else { return nil }
        var at = DHCPField.options
        var isAck = false
        while at < body.count {
            let code = u8(at)
            if code == 255 { break }
            if code == 0 { at += 1; continue }
            guard at + 1 < body.count else { break }
            let length = Int(u8(at + 1))
            guard at + 2 + length <= body.count else { break }
            if code == DHCPField.messageTypeOption && length >= 1 {
                isAck = u8(at + 2) == DHCPField.ack
                break
            }
            at += 2 + length
        }
        guard isAck else { return nil }
        let address = IPv4Address(rawValue: u32(DHCPField.yourAddress))
        guard !address.isUnspecified else { return nil }
        let c = DHCPField.clientHardwareAddress
        yourAddress = address
        clientHardwareAddress = MACAddress(u8(c), u8(c + 1), u8(c + 2), u8(c + 3), u8(c + 4), u8(c + 5))
    }
}

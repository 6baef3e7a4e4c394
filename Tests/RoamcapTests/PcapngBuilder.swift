/// Raw little-endian pcapng blocks, for inputs no writer would produce (thousands of
/// interfaces, simple packet blocks, odd frames).
struct PcapngBuilder {
    var bytes: [UInt8] = []

    private static func u16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private static func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }

    private mutating func block(_ type: UInt32, _ body: [UInt8]) {
        var body = body
        while body.count % 4 != 0 { body.append(0) }
        let length = UInt32(12 + body.count)
        bytes += Self.u32(type) + Self.u32(length) + body + Self.u32(length)
    }

    init() { section() }

    /// An SHB (magic, version 1.0, section length -1): a new section, with no interfaces yet.
    mutating func section() {
        block(0x0A0D_0D0A, Self.u32(0x1A2B_3C4D) + Self.u16(1) + Self.u16(0) + [UInt8](repeating: 0xFF, count: 8))
    }

    /// An IDB (link type, snaplen 65535), optionally named (if_name) and with if_tsresol 9 (ns).
    mutating func interface(linkType: UInt16 = 1, name: String? = nil, nanoseconds: Bool = false) {
        var options: [UInt8] = []
        if let name {
            let value = Array(name.utf8)
            options += Self.u16(2) + Self.u16(UInt16(value.count)) + value
            while options.count % 4 != 0 { options.append(0) }
        }
        if nanoseconds { options += Self.u16(9) + Self.u16(1) + [9, 0, 0, 0] }
        if !options.isEmpty { options += [0, 0, 0, 0] }
        block(1, Self.u16(linkType) + Self.u16(0) + Self.u32(65535) + options)
    }

    /// An EPB; `ticks` in the interface's unit (µs unless nanoseconds).
    mutating func packet(interface: UInt32 = 0, ticks: UInt64, _ frame: [UInt8]) {
        block(6, Self.u32(interface) + Self.u32(UInt32(ticks >> 32)) + Self.u32(UInt32(ticks & 0xFFFF_FFFF))
                 + Self.u32(UInt32(frame.count)) + Self.u32(UInt32(frame.count)) + frame)
    }

    /// An SPB: a frame without a timestamp, on the section's first interface.
    mutating func simplePacket(_ frame: [UInt8]) {
        block(3, Self.u32(UInt32(frame.count)) + frame)
    }

    func write(_ path: String) { TestSupport.writeFile(path, bytes) }
}

/// Frames for the tests, with a given source MAC and IP.
enum Frames {
    static func mac(_ last: UInt8) -> [UInt8] { [0x02, 0, 0, 0, 0, last] }

    /// A gratuitous ARP from 02:00:00:00:00:`last` for 10.0.0.`last`.
    static func garp(_ last: UInt8) -> [UInt8] {
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + mac(last) + [0x08, 0x06,
         0, 1, 0x08, 0, 6, 4, 0, 1] + mac(last) + [10, 0, 0, last] + [0, 0, 0, 0, 0, 0] + [10, 0, 0, last]
         + [UInt8](repeating: 0, count: 18)
    }
}

extension Frames {
    /// Ethernet/IPv4/UDP from 02:00:00:00:00:`last` (10.0.0.`last`) to `port`, with the IPv4
    /// flags-and-fragment-offset field given (0x2000: more fragments).
    static func udp(_ last: UInt8, to port: UInt16, payload: [UInt8], fragment: UInt16 = 0) -> [UInt8] {
        let ipLength = 20 + 8 + payload.count
        var ip: [UInt8] = [0x45, 0, UInt8(ipLength >> 8), UInt8(ipLength & 0xFF), 0, 1,
                           UInt8(fragment >> 8), UInt8(fragment & 0xFF), 64, 17, 0, 0,
                           10, 0, 0, last, 10, 0, 0, 200]
        var sum: UInt32 = 0
        for i in stride(from: 0, to: 20, by: 2) { sum += UInt32(ip[i]) << 8 | UInt32(ip[i + 1]) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        ip[10] = UInt8((~sum >> 8) & 0xFF); ip[11] = UInt8(~sum & 0xFF)
        let udpLength = 8 + payload.count
        let udp: [UInt8] = [0x9C, 0x40, UInt8(port >> 8), UInt8(port & 0xFF),
                            UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0]
        return [0x02, 0, 0, 0, 0, 0xC8] + mac(last) + [0x08, 0x00] + ip + udp + payload
    }

    /// A VXLAN header (flags 0x08) for `vni`.
    static func vxlan(_ vni: UInt32) -> [UInt8] {
        [0x08, 0, 0, 0, UInt8((vni >> 16) & 0xFF), UInt8((vni >> 8) & 0xFF), UInt8(vni & 0xFF), 0]
    }
}

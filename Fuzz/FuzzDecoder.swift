// libFuzzer target: the packet decoder on every link type it knows, and the VXLAN inner frame.
// Built with the PacketWire sources (see the Makefile's `fuzz` target).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .raw, .ipv4, .ipv6, .null, .loop]
    let decoder = PacketDecoder(linkType: linkTypes[Int(data[0]) % linkTypes.count], vxlanPorts: [4789, 8472])
    var packet = DecodedPacket()
    decoder.decode(bytes, into: &packet)
    if packet.innerFrameOffset > 0 && packet.innerFrameOffset <= bytes.count {
        var inner = DecodedPacket()
        PacketDecoder(linkType: .ethernet).decode(UnsafeRawBufferPointer(rebasing: bytes[packet.innerFrameOffset...]), into: &inner)
    }
    return 0
}

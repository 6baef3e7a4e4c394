// libFuzzer target: the pcap and pcapng readers on uncompressed input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapturePlain(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    readCapture(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

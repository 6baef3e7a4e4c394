// libFuzzer target: the zstd stream layer under the readers (input forced to start as zstd).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCaptureZstd(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withMagic([0x28, 0xB5, 0x2F, 0xFD], data, size, readCapture)
    return 0
}

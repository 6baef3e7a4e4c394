// libFuzzer target: the gzip stream layer under the readers (input forced to start as gzip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCaptureGzip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withMagic([0x1F, 0x8B], data, size, readCapture)
    return 0
}

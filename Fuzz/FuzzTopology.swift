// libFuzzer target: the topology reader (YAML limits, then the schema).
import RoamcapKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTopology(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? Topology.parse(text, file: "fuzz.yaml")
    return 0
}

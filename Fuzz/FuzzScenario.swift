// libFuzzer target: the synth scenario reader.
import RoamcapKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? Scenario.parse(text, file: "fuzz.yaml")
    return 0
}

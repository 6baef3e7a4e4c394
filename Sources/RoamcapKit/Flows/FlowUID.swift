import CaptureFile

extension FlowState {
    /// A Zeek-like unique id: `C` and 11 base-62 digits of a 64-bit FNV-1a hash of the flow's key
    /// (protocol, both endpoints, segment) and its first packet's time. Deterministic: every run
    /// on the same input gives every flow the same uid, so a uid from one run selects the flow in
    /// the next (`flows --uid U -o flow.pcapng`).
    public var uid: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ value: UInt64, bytes: Int) {
            for i in 0..<bytes {
                hash ^= (value >> (8 * UInt64(i))) & 0xFF
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        mix(key.aHigh, bytes: 8)
        mix(key.aLow, bytes: 8)
        mix(key.bHigh, bytes: 8)
        mix(key.bLow, bytes: 8)
        mix(UInt64(key.aPort), bytes: 2)
        mix(UInt64(key.bPort), bytes: 2)
        mix(UInt64(key.ipProtocol), bytes: 1)
        mix(UInt64(key.family.rawValue), bytes: 1)
        mix(UInt64(key.segment), bytes: 4)
        mix(UInt64(bitPattern: first.seconds), bytes: 8)
        mix(UInt64(first.nanoseconds), bytes: 4)
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var text = ""
        for _ in 0..<11 {
            text.append(digits[Int(hash % 62)])
            hash /= 62
        }
        return "C" + text
    }
}

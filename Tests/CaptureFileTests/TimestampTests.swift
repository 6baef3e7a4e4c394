@testable import CaptureFile
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        (UInt64(1_340_954_905_298_858), UInt64(1_000_000), Int64(1_340_954_905), UInt32(298_858_000)),
        (UInt64(1_519_128_000_195_312_500), UInt64(1_000_000_000), Int64(1_519_128_000), UInt32(195_312_500)),
        (UInt64(1) << 32 | 0x8000_0000, UInt64(1) << 32, Int64(1), UInt32(500_000_000)),  // 2^-32 s
        (UInt64(12_345), UInt64(1000), Int64(12), UInt32(345_000_000)),
        (UInt64(1_000_000_000_001), UInt64(1_000_000_000_000), Int64(1), UInt32(0)),      // ps, truncated
    ])
    func ticksToTimestamp(ticks: UInt64, units: UInt64, seconds: Int64, nanoseconds: UInt32) {
        let t = Timestamp(ticks: ticks, unitsPerSecond: units)
        #expect(t.seconds == seconds && t.nanoseconds == nanoseconds)
    }

    @Test func ticksRoundTripAtCoarserOrEqualResolution() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<10_000 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            let units: UInt64 = [1_000, 1_000_000, 1_000_000_000, 1 << 20][Int(state % 4)]
            let ticks = state >> 8
            let t = Timestamp(ticks: ticks, unitsPerSecond: units)
            if units == 1 << 20 { continue }  // 2^-20 s is not a whole number of ns
            #expect(t.ticks(unitsPerSecond: units) == ticks)
        }
    }

    @Test func carryingNanosecondsAndDifferences() {
        let t = Timestamp(seconds: 10, carryingNanoseconds: -1)
        #expect(t == Timestamp(seconds: 9, nanoseconds: 999_999_999))
        #expect(Timestamp(seconds: 10, carryingNanoseconds: 2_500_000_000) == Timestamp(seconds: 12, nanoseconds: 500_000_000))
        #expect(Timestamp(seconds: 12, nanoseconds: 5).nanoseconds(since: Timestamp(seconds: 10, nanoseconds: 10)) == 1_999_999_995)
        #expect(Timestamp(seconds: 1, nanoseconds: 5).description == "1.000000005")
    }

    @Test func resolutionByte() {
        #expect(InterfaceDescription.unitsPerSecond(resolution: 6) == 1_000_000)
        #expect(InterfaceDescription.unitsPerSecond(resolution: 9) == 1_000_000_000)
        #expect(InterfaceDescription.unitsPerSecond(resolution: 0x80 | 10) == 1024)
        #expect(InterfaceDescription.unitsPerSecond(resolution: 20) == nil)
        #expect(InterfaceDescription.unitsPerSecond(resolution: 0x80 | 64) == nil)
    }
}

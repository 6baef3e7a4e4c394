/// Values of options that several commands take (the command line parses its arguments into
/// these, and `verify` builds its requests with them).

/// Whether a written trace is compressed: `zstd` or `none` (absent: zstd when the name ends in `.zst`).
public enum OutputCompression: String, Sendable, CaseIterable {
    case zstd, none

    /// What `OutputFile` takes: compressed or not, nil to decide by the name.
    public static func compressed(_ compression: OutputCompression?) -> Bool? {
        compression.map { $0 == .zstd }
    }
}

/// Where the fabric's advertisements come from (SPEC §8): assumed after the advertisement
/// delay, or also replayed from the BGP EVPN sessions in the capture.
public enum ControlPlaneSource: String, Sendable, CaseIterable {
    case assumed, captured
}

/// A length of time as an option gives it (`2s`, `3.5s`, `250ms`, `1m`), read by `parseDuration`
/// (the one duration syntax), with its text for help and messages.
public struct DurationValue: Sendable, Equatable, CustomStringConvertible {
    public var nanoseconds: Int64
    public var text: String

    /// nil for what is not a duration, or is negative.
    public init?(_ text: String) {
        guard let ns = parseDuration(text), ns >= 0 else { return nil }
        nanoseconds = ns
        self.text = text
    }

    public var description: String { text }
}

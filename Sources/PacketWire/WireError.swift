/// An error met while reading or writing a header on the wire.
///
/// The offset is relative to the start of the bytes given to the view or header that failed; the
/// packet decoder rebases it to the start of the captured packet.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: UInt8, Hashable, Sendable, CustomStringConvertible {
        /// The bytes end before the header (or the part of it that was needed) does.
        case truncated
        /// A field holds a value that makes the header impossible to read.
        case invalidField
        /// The header is well formed but of a kind this library does not read.
        case unsupported

        /// The kind's name, as used in diagnostics.
        public var description: String {
            switch self {
            case .truncated: "truncated"
            case .invalidField: "invalid field"
            case .unsupported: "unsupported"
            }
        }
    }

    /// What went wrong.
    public var kind: Kind
    /// The byte offset of the problem: where the bytes ran out for `truncated`, or the offending field.
    public var offset: Int

    /// Creates an error of a kind at a byte offset.
    @inlinable
    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// The same error with its offset moved by `distance` bytes.
    @inlinable
    public func shifted(by distance: Int) -> WireError {
        WireError(kind, at: offset + distance)
    }

    /// A short description such as `truncated at byte 14`.
    public var description: String {
        "\(kind) at byte \(offset)"
    }
}

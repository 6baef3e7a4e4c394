import ArgumentParser
import RoamcapKit
#if canImport(Glibc)
import Glibc
#endif

/// How the human tables of `tables`, `simulate` and `flows` are laid out (SPEC §5).
struct TableLayoutOptions: ParsableArguments {
    @Flag(name: .long, help: "Human table: every column, however wide (default: fit the terminal, 80 columns if none).")
    var wide = false

    @Flag(name: .long, help: "Human table: times in seconds after the first packet (JSON and CSV keep absolute times).")
    var relative = false

    /// The layout, times relative to `first` with --relative.
    func layout(first: Timestamp?) -> TableLayout {
        TableLayout(width: wide ? nil : terminalColumns(), relativeTo: relative ? first : nil)
    }
}

/// The width of the terminal on standard output; 80 when it is not a terminal.
func terminalColumns() -> Int {
    guard isatty(1) != 0 else { return 80 }
    var size = winsize()
    if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 { return Int(size.ws_col) }
    return 80
}

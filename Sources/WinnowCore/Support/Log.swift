#if canImport(Glibc)
    import Glibc
#endif

/// Log lines on standard error, one `write` each so lines from several threads never interleave.
public enum Log {
    /// How much to say.
    public enum Level: Int, Comparable, Sendable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var label: String { ["debug", "info", "warning", "error"][rawValue] }
    }

    nonisolated(unsafe) private static var minimum: Level = .info

    /// Sets the lowest level printed; call before any worker starts.
    public static func setLevel(_ level: Level) { minimum = level }

    public static func debug(_ message: @autoclosure () -> String) { emit(.debug, message) }
    public static func info(_ message: @autoclosure () -> String) { emit(.info, message) }
    public static func warning(_ message: @autoclosure () -> String) { emit(.warning, message) }
    public static func error(_ message: @autoclosure () -> String) { emit(.error, message) }

    private static func emit(_ level: Level, _ message: () -> String) {
        guard level >= minimum else { return }
        writeStderr("winnow: \(level.label): \(message())\n")
    }

    /// Writes text to standard error as it is.
    public static func writeStderr(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

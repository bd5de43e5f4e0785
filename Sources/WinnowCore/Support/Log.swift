import Synchronization

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

    /// The lowest level printed (a `Level`'s raw value), read by every thread.
    private static let minimum = Atomic<Int>(Level.info.rawValue)

    /// Sets the lowest level printed.
    public static func setLevel(_ level: Level) { minimum.store(level.rawValue, ordering: .relaxed) }

    public static func debug(_ message: @autoclosure () -> String) { emit(.debug, message) }
    public static func info(_ message: @autoclosure () -> String) { emit(.info, message) }
    public static func warning(_ message: @autoclosure () -> String) { emit(.warning, message) }
    public static func error(_ message: @autoclosure () -> String) { emit(.error, message) }

    private static func emit(_ level: Level, _ message: () -> String) {
        guard level.rawValue >= minimum.load(ordering: .relaxed) else { return }
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

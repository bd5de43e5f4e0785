import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Errors that stop a run: the output cannot be written.
public struct OutputError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot write \(path): \(reason)" }

    public init(_ path: String, errno code: Int32) {
        self.path = path
        self.reason = String(cString: strerror(code))
    }

    public init(_ path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// Durable file replacement: temporary name, fsync, rename, fsync of the directory.
public enum Durable {
    /// Creates the directory and its parents (`mkdir -p`).
    public static func makeDirectory(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw OutputError(current, errno: errno)
            }
        }
    }

    public static func write(_ path: String, _ bytes: [UInt8]) throws {
        // The process id in the name: tasks of a job array may write the same file at once.
        let temporary = (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError(temporary, errno: errno) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let e = errno
                close(fd)
                throw OutputError(temporary, errno: e)
            }
            offset += n
        }
        guard fsync(fd) == 0 else {
            let e = errno
            close(fd)
            throw OutputError(temporary, errno: e)
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw OutputError(path, errno: errno) }
        syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Makes renames in `directory` durable.
    public static func syncDirectory(_ directory: String) {
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

/// An exclusive lock on an output directory (`flock` on `OUTPUT/.winnow.lock`), released by
/// the kernel when the process ends, however it ends.
public final class OutputLock {
    private let fd: Int32
    public let path: String

    /// Errors taking the lock.
    public enum LockError: Error, CustomStringConvertible {
        case held(String, pid: String)
        case failed(String, String)

        public var description: String {
            switch self {
            case .held(let path, let pid): return "another winnow run (pid \(pid)) holds \(path); this run did nothing"
            case .failed(let path, let reason): return "cannot lock \(path): \(reason)"
            }
        }
    }

    public init(directory: String) throws {
        try Durable.makeDirectory(directory)
        path = directory + "/.winnow.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LockError.failed(path, String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, 32, 0)
            close(fd)
            if code == EWOULDBLOCK {
                throw LockError.held(path, pid: String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).trimmingSpaces())
            }
            throw LockError.failed(path, String(cString: strerror(code)))
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, pid.count, 0) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

#if canImport(Glibc)
    import Glibc
    import WinnowCore
#endif

/// The kinds of input file the read stage understands, told apart by name.
public enum InputFormat: Sendable, Equatable {
    case html(gzip: Bool)
    case warc(gzip: Bool)
    /// The Internet Archive's ARC v1, WARC's predecessor.
    case arc(gzip: Bool)
    case ndjson(gzip: Bool)

    /// The format for a file name, or nil for files the reader does not take.
    public init?(fileName: String) {
        let lower = fileName.lowercased()
        let gzip = lower.hasSuffix(".gz")
        let base = gzip ? String(lower.dropLast(3)) : lower
        if base.hasSuffix(".html") || base.hasSuffix(".htm") || base.hasSuffix(".xhtml") {
            self = .html(gzip: gzip)
        } else if base.hasSuffix(".warc") || base.hasSuffix(".arc.warc") {
            self = .warc(gzip: gzip)
        } else if base.hasSuffix(".arc") {
            self = .arc(gzip: gzip)
        } else if base.hasSuffix(".jsonl") || base.hasSuffix(".ndjson") || base.hasSuffix(".json") {
            self = .ndjson(gzip: gzip)
        } else {
            return nil
        }
    }

    /// Whether the file is gzip-compressed.
    public var gzip: Bool {
        switch self {
        case .html(let gzip), .warc(let gzip), .arc(let gzip), .ndjson(let gzip): return gzip
        }
    }
}

/// One input file: where it is and how it is named in the output.
public struct InputFile: Sendable, Equatable {
    /// The path to open.
    public var path: String
    /// The path relative to the `--input` it was found under (the file name for a file given directly).
    public var relativePath: String
    public var format: InputFormat
    public var size: Int
    /// For a part of a large `.warc.gz` (a task of a sharded run): the records whose gzip member
    /// starts in this byte range.
    public var range: Range<Int>?

    /// The bytes this input stands for: its range's, or the whole file's.
    public var bytes: Int { range?.count ?? size }

    /// `files` with every `.warc.gz` larger than `bytes` cut into parts of about `bytes`, in order.
    public static func split(_ files: [InputFile], bytes: Int?) -> [InputFile] {
        guard let bytes, bytes > 0 else { return files }
        return files.flatMap { file -> [InputFile] in
            guard file.format == .warc(gzip: true), file.size > bytes else { return [file] }
            return stride(from: 0, to: file.size, by: bytes).map { start in
                var part = file
                part.range = start..<min(file.size, start + bytes)
                return part
            }
        }
    }
    package init(path: String, relativePath: String, format: InputFormat, size: Int, range: Range<Int>? = nil) {
        self.path = path
        self.relativePath = relativePath
        self.format = format
        self.size = size
        self.range = range
    }
}

/// A path or URL to read, and the name its files take in the output: by default a file's name, a
/// directory's files' paths below it, a URL's path; an input list's relative entries are named as
/// listed, so a listing read from a server or from a copy on disk names its files alike.
public struct InputRoot: Sendable, Equatable {
    public var path: String
    public var name: String?
    public init(_ path: String, name: String? = nil) {
        self.path = path
        self.name = name
    }
}

/// Finds input files under the given paths: recursive, in byte order of their paths so every run
/// sees the same order, skipping hidden files and folders (names starting with `.`). Symbolic
/// links are followed, but a directory is entered once and a file listed once (by device and
/// inode), however many paths reach it: a link back up the tree (`loop -> ..`) or a second link
/// to the same file reads nothing twice. The first path in that order is the one kept.
public struct InputScanner {
    /// Files skipped because their names are not of a known format.
    public private(set) var skipped: [String] = []
    /// Paths that could not be read, with the reason.
    public private(set) var unreadable: [(path: String, reason: String)] = []
    /// Paths passed over because the directory or file they reach was reached before.
    public private(set) var repeated: [String] = []

    private struct FileID: Hashable {
        var device: UInt64
        var inode: UInt64
        package init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
        }
    }
    private var seen = Set<FileID>()

    public init() {}

    /// Records `st`'s file as seen; false when it was seen before (and notes `path` as repeated).
    private mutating func firstVisit(_ st: stat, _ path: String) -> Bool {
        if seen.insert(FileID(st)).inserted { return true }
        repeated.append(path)
        return false
    }

    public mutating func scan(_ paths: [String]) -> [InputFile] { scan(paths.map { InputRoot($0) }) }

    public mutating func scan(_ roots: [InputRoot]) -> [InputFile] {
        var files: [InputFile] = []
        for entry in roots {
            let root = entry.path
            if RemotePath.isRemote(root) {
                addRemote(root, name: entry.name, into: &files)
                continue
            }
            var st = stat()
            guard stat(root, &st) == 0 else {
                unreadable.append((root, String(cString: strerror(errno))))
                continue
            }
            guard firstVisit(st, root) else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                walk(directory: root, relative: entry.name ?? "", into: &files)
            } else {
                let name = root.split(separator: "/").last.map(String.init) ?? root
                if let format = InputFormat(fileName: name) {
                    files.append(InputFile(path: root, relativePath: entry.name ?? name, format: format, size: Int(st.st_size)))
                } else {
                    skipped.append(root)
                }
            }
        }
        return files
    }

    /// A URL: taken once, its format by the name at the end of its path, its name in the output the
    /// URL's path (so documents read from a mirror are named as when read from a copy of its tree).
    private mutating func addRemote(_ url: String, name given: String?, into files: inout [InputFile]) {
        guard seenURLs.insert(url).inserted else {
            repeated.append(url)
            return
        }
        let relative = given ?? RemotePath.relativePath(url)
        let name = relative.split(separator: "/").last.map(String.init) ?? ""
        guard let format = InputFormat(fileName: name) else {
            skipped.append(url)
            return
        }
        files.append(InputFile(path: url, relativePath: relative, format: format, size: 0))
    }
    private var seenURLs = Set<String>()

    private mutating func walk(directory: String, relative: String, into files: inout [InputFile]) {
        guard let dir = opendir(directory) else {
            unreadable.append((directory, String(cString: strerror(errno))))
            return
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(dir)
        names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for name in names {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard stat(path, &st) == 0 else {
                unreadable.append((path, String(cString: strerror(errno))))
                continue
            }
            let kind = st.st_mode & S_IFMT
            guard kind != S_IFDIR && kind != S_IFREG || firstVisit(st, path) else { continue }
            if kind == S_IFDIR {
                walk(directory: path, relative: rel, into: &files)
            } else if kind == S_IFREG {
                if let format = InputFormat(fileName: name) {
                    files.append(InputFile(path: path, relativePath: rel, format: format, size: Int(st.st_size)))
                } else {
                    skipped.append(path)
                }
            }
        }
    }
}

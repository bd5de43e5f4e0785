import CCurl
import Foundation
import Synchronization
import WinnowCompression
import WinnowCore

/// How remote inputs (`http://`, `https://`) are fetched.
public struct RemoteSettings: Sendable {
    /// Files downloaded at once: the one being read and those after it, started ahead.
    public var concurrency = 4
    /// Attempts after a failure without progress (a connection error, a stall, 429, 5xx) before
    /// the file counts as unreadable for this run.
    public var retries = 5
    /// The first retry waits about this many seconds, each next one twice as long (plus jitter).
    public var backoff = 1.0
    /// Seconds a `Retry-After` may ask for at most.
    public var maxRetryAfter = 300.0
    public var connectTimeout = 60.0
    /// Seconds without a byte (while the reader wants some) before the connection is given up and
    /// resumed with a Range request.
    public var stallTimeout = 60.0
    /// Bytes a download may hold ahead of the reader; then the connection waits (TCP backpressure).
    /// Memory is at most `concurrency` times this, whatever the files' sizes.
    public var bufferBytes = 8 << 20
    public var userAgent = "winnow/0.1"
    public init() {}

    /// Seconds to wait before the next try after `failures` failures in a row: what the server's
    /// `Retry-After` asks, else the backoff doubling from `backoff` (times `jitter`); at most
    /// `maxRetryAfter`.
    func wait(afterFailures failures: Int, retryAfter: Double?, jitter: Double = 1) -> Double {
        min(retryAfter ?? backoff * Double(1 << min(failures - 1, 16)) * jitter, maxRetryAfter)
    }
}

/// What a server says identifies a version of a file: compared by incremental runs.
public struct RemoteValidators: Sendable, Equatable {
    public var etag: String?
    public var lastModified: String?
    public var size: Int?
    public init(etag: String? = nil, lastModified: String? = nil, size: Int? = nil) {
        self.etag = etag
        self.lastModified = lastModified
        self.size = size
    }
}

/// A remote file that could not be read.
public struct RemoteError: Error, CustomStringConvertible, Sendable {
    public let url: String
    public let reason: String
    public var description: String { "\(url): \(reason)" }
}

public enum RemotePath {
    /// Whether an input names a file on an HTTP(S) server.
    public static func isRemote(_ path: String) -> Bool {
        let lower = path.prefix(8).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// The URL's path without its leading `/`, query and fragment: the input's name in the output,
    /// so a mirror of the same tree (`crawl-data/…` under any prefix) names its files alike.
    public static func relativePath(_ url: String) -> String {
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? url[...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return "" }
        var path = afterScheme[afterScheme.index(after: slash)...]
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
        return String(path)
    }
}

/// One HTTP exchange through libcurl's easy interface: the response's status and headers (of the
/// last response, after redirects), the body handed to `onBody` as it arrives.
final class CurlExchange {
    private let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private(set) var status = 0
    private(set) var headers: [String: String] = [:]
    /// Takes each piece of the body of a 2xx response; false aborts the transfer.
    var onBody: ((UnsafeRawBufferPointer) -> Bool)?
    /// Asked about once a second; true aborts the transfer.
    var shouldAbort: (() -> Bool)?
    private static let initialized: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    init?(url: String, settings: RemoteSettings, from offset: Int, headOnly: Bool) {
        _ = Self.initialized
        guard let easy = curl_easy_init() else { return nil }
        self.easy = easy
        CCurl_setString(easy, CURLOPT_URL, url)
        CCurl_setLong(easy, CURLOPT_FOLLOWLOCATION, 1)
        CCurl_setLong(easy, CURLOPT_MAXREDIRS, 5)
        CCurl_setLong(easy, CURLOPT_NOSIGNAL, 1)
        CCurl_setLong(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000))
        CCurl_setLong(easy, CURLOPT_BUFFERSIZE, 256 * 1024)
        CCurl_setString(easy, CURLOPT_USERAGENT, settings.userAgent)
        if headOnly {
            CCurl_setLong(easy, CURLOPT_NOBODY, 1)
            CCurl_setLong(easy, CURLOPT_TIMEOUT_MS, Int(settings.stallTimeout * 1000))
        }
        if offset > 0 {
            headerList = curl_slist_append(nil, "Range: bytes=\(offset)-")
            CCurl_setList(easy, CURLOPT_HTTPHEADER, headerList)
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        CCurl_setPointer(easy, CURLOPT_HEADERDATA, context)
        CCurl_setHeaderFunction(easy) { data, size, count, context in
            let exchange = Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
            exchange.header(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        CCurl_setPointer(easy, CURLOPT_WRITEDATA, context)
        CCurl_setWriteFunction(easy) { data, size, count, context in
            let exchange = Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
            // Bodies of error responses (and of redirects) are not the file.
            guard (200..<300).contains(exchange.status) else { return size * count }
            return exchange.onBody?(UnsafeRawBufferPointer(start: data, count: size * count)) ?? true ? size * count : 0
        }
        CCurl_setLong(easy, CURLOPT_NOPROGRESS, 0)
        CCurl_setPointer(easy, CURLOPT_XFERINFODATA, context)
        CCurl_setProgressFunction(easy) { context, _, _, _, _ in
            let exchange = Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
            return exchange.shouldAbort?() ?? false ? 1 : 0
        }
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
    }

    /// Runs the exchange; libcurl's result and, for a failure, its message.
    func perform() -> (code: CURLcode, message: String) {
        let code = curl_easy_perform(easy)
        return (code, code == CURLE_OK ? "" : String(cString: curl_easy_strerror(code)))
    }

    /// One header line: a status line starts a new response (a redirect's, then the next one's).
    private func header(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ")
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = [:]
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }

    /// The validators of the response; the size is the whole file's (from `Content-Range` for a part).
    var validators: RemoteValidators {
        var size = headers["content-length"].flatMap { Int($0) }
        if status == 206, let range = headers["content-range"], let slash = range.lastIndex(of: "/") {
            size = Int(range[range.index(after: slash)...])
        }
        return RemoteValidators(etag: headers["etag"], lastModified: headers["last-modified"], size: size)
    }

    /// The first byte of a 206 response's part.
    var partStart: Int? {
        guard status == 206, let range = headers["content-range"] else { return nil }
        let digits = range.drop { !$0.isNumber }.prefix { $0.isNumber }
        return Int(digits)
    }

    /// Seconds a 429 or 503 asks to wait (`Retry-After`).
    var retryAfter: Double? { headers["retry-after"].flatMap(HTTPDate.retryAfter) }
}

/// What one attempt at a file came to.
private enum AttemptOutcome {
    case complete
    case retry(after: Double?, reason: String)
    case fatal(String)
}

/// Whether a status is worth asking again for: too many requests, or the server's trouble.
private func isTransient(_ status: Int) -> Bool { status == 408 || status == 429 || (500..<600).contains(status) }

/// A remote file downloaded on a thread of its own into a bounded buffer that the reader drains
/// (`take`). A connection lost, stalled or refused with 429/5xx is tried again after a backoff
/// (or the server's `Retry-After`), from the byte where it stopped (a `Range` request); a server
/// that answers a range with the whole file has the bytes already read skipped. A file whose
/// validators change between two attempts fails rather than mixing two versions.
final class RemoteTransfer: @unchecked Sendable {
    let url: String
    private let settings: RemoteSettings
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var done = false
    private var failure: RemoteError?
    private var cancelled = false
    private var lastActivity = monotonicSeconds()
    /// The bytes of the file handed to the buffer so far: where a resumed request starts.
    private var received = 0
    private var validators: RemoteValidators?

    /// The bytes of the file received so far.
    var bytesReceived: Int { condition.withLock { received } }

    init(url: String, settings: RemoteSettings) {
        self.url = url
        self.settings = settings
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "winnow.fetch"
        thread.start()
    }

    /// Appends up to `maxCount` bytes to `buffer`, waiting for them; 0 at the end of the file.
    func take(into buffer: inout [UInt8], maxCount: Int) throws -> Int {
        condition.lock()
        defer { condition.unlock() }
        while pending.count == pendingStart && !done && failure == nil { condition.wait() }
        let available = pending.count - pendingStart
        if available > 0 {
            let n = min(available, maxCount)
            buffer.append(contentsOf: pending[pendingStart..<(pendingStart + n)])
            pendingStart += n
            if pendingStart == pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingStart = 0
            }
            lastActivity = monotonicSeconds()
            condition.broadcast()
            return n
        }
        if let failure { throw failure }
        return 0
    }

    /// Stops the download (the reader has what it wants). The validators of the file, unless the
    /// download failed: a reader that stops early (a page over the size limit) has read this
    /// version of the file as far as it will.
    func close() -> RemoteValidators? {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
        return failure == nil ? validators : nil
    }

    private func run() {
        var failures = 0
        while true {
            let before = condition.withLock { received }
            switch attempt() {
            case .complete:
                finish(nil)
                return
            case .fatal(let reason):
                finish(reason)
                return
            case .retry(let after, let reason):
                if condition.withLock({ cancelled }) {
                    finish("cancelled")
                    return
                }
                if condition.withLock({ received }) > before { failures = 0 }
                failures += 1
                if failures > settings.retries {
                    finish("\(reason) (gave up after \(settings.retries) retries)")
                    return
                }
                let wait = settings.wait(afterFailures: failures, retryAfter: after, jitter: Double.random(in: 1...1.25))
                Log.info("\(url): \(reason); trying again in \(String(format: "%.1f", wait)) s")
                pause(wait)
            }
        }
    }

    /// Waits `seconds`, or less when cancelled.
    private func pause(_ seconds: Double) {
        let until = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while !cancelled && condition.wait(until: until) {}
        condition.unlock()
    }

    private func finish(_ reason: String?) {
        condition.lock()
        done = true
        // After the reader closed the file, its end is of no interest.
        if let reason, !cancelled { failure = RemoteError(url: url, reason: reason) }
        condition.broadcast()
        condition.unlock()
    }

    /// One request, from the first byte not yet received.
    private func attempt() -> AttemptOutcome {
        let offset = condition.withLock {
            lastActivity = monotonicSeconds()
            return received
        }
        guard let exchange = CurlExchange(url: url, settings: settings, from: offset, headOnly: false) else {
            return .fatal("libcurl could not start a transfer")
        }
        var skip = -1
        var mismatch: String?
        exchange.onBody = { [self, unowned exchange] bytes in
            if skip < 0 {
                // The first body bytes of this response: check it continues the same file.
                let current = exchange.validators
                let known = condition.withLock {
                    if validators == nil { validators = current }
                    return validators!
                }
                if !Self.sameVersion(known, current) {
                    mismatch = "the file changed on the server while it was read"
                    return false
                }
                skip = exchange.partStart.map { $0 == offset ? 0 : -1 } ?? offset
                if skip < 0 {
                    mismatch = "the server answered a range request from byte \(offset) with another part"
                    return false
                }
            }
            var piece = bytes
            if skip > 0 {
                let n = min(skip, piece.count)
                skip -= n
                piece = UnsafeRawBufferPointer(rebasing: piece[n...])
            }
            return piece.isEmpty || deliver(piece)
        }
        exchange.shouldAbort = { [self] in
            condition.withLock { cancelled || monotonicSeconds() - lastActivity > settings.stallTimeout }
        }
        let (code, message) = exchange.perform()
        if let mismatch { return .fatal(mismatch) }
        let status = exchange.status
        if isTransient(status) { return .retry(after: exchange.retryAfter, reason: "HTTP \(status)") }
        let size = condition.withLock { validators?.size }
        if status == 416 && offset > 0 && size == offset { return .complete }
        if status != 0 && !(200..<300).contains(status) { return .fatal("HTTP \(status)") }
        if code != CURLE_OK {
            return .retry(after: nil, reason: code == CURLE_ABORTED_BY_CALLBACK ? "no data for \(Int(settings.stallTimeout)) s" : message)
        }
        let got = condition.withLock { received }
        if let size, got < size { return .retry(after: nil, reason: "connection closed at byte \(got) of \(size)") }
        return .complete
    }

    /// Hands bytes to the reader, waiting while the buffer is full; false when cancelled.
    private func deliver(_ bytes: UnsafeRawBufferPointer) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && pending.count - pendingStart > 0 && pending.count - pendingStart + bytes.count > settings.bufferBytes {
            condition.wait()
        }
        if cancelled { return false }
        if pendingStart > 0 && pendingStart >= pending.count / 2 {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
        pending.append(contentsOf: bytes)
        received += bytes.count
        lastActivity = monotonicSeconds()
        condition.broadcast()
        return true
    }

    /// Whether two responses are of one version of a file: same ETag when both have one, else
    /// same Last-Modified and size when known.
    static func sameVersion(_ a: RemoteValidators, _ b: RemoteValidators) -> Bool {
        if let x = a.etag, let y = b.etag { return x == y }
        if let x = a.lastModified, let y = b.lastModified, x != y { return false }
        if let x = a.size, let y = b.size, x != y { return false }
        return true
    }

    /// The validators of `url` by a HEAD request (retried like a download), or why not.
    static func head(_ url: String, settings: RemoteSettings) -> Result<RemoteValidators, RemoteError> {
        var failures = 0
        while true {
            guard let exchange = CurlExchange(url: url, settings: settings, from: 0, headOnly: true) else {
                return .failure(RemoteError(url: url, reason: "libcurl could not start a transfer"))
            }
            let (code, message) = exchange.perform()
            let status = exchange.status
            if (200..<300).contains(status) && code == CURLE_OK { return .success(exchange.validators) }
            let transient = isTransient(status) || status == 0
            failures += 1
            guard transient, failures <= settings.retries else {
                return .failure(RemoteError(url: url, reason: status == 0 ? message : "HTTP \(status)"))
            }
            Thread.sleep(forTimeInterval: settings.wait(afterFailures: failures, retryAfter: exchange.retryAfter))
        }
    }
}

/// A remote file as a `ByteSource`: what its transfer has received, in order.
final class RemoteByteSource: ByteSource {
    private let transfer: RemoteTransfer
    private let onClose: (RemoteTransfer, RemoteValidators?) -> Void
    private(set) var fileOffset = 0

    init(transfer: RemoteTransfer, onClose: @escaping (RemoteTransfer, RemoteValidators?) -> Void) {
        self.transfer = transfer
        self.onClose = onClose
    }

    deinit { onClose(transfer, transfer.close()) }

    func read(into buffer: inout [UInt8], maxCount: Int) throws -> Int {
        let n = try transfer.take(into: &buffer, maxCount: maxCount)
        fileOffset += n
        return n
    }
}

/// The remote inputs of a run: downloads started ahead of the reader (up to `concurrency` at once,
/// the one being read included), opened in input order, and the validators of those read whole
/// (for the run's state).
public final class RemoteInputs: Sendable {
    public let settings: RemoteSettings
    private struct State {
        var started: [String: RemoteTransfer] = [:]
        /// Transfers started and not yet closed by the reader.
        var running = 0
        var validators: [String: RemoteValidators] = [:]
        var bytes = 0
    }
    private let state = Mutex(State())

    public init(settings: RemoteSettings) { self.settings = settings }

    /// Starts the downloads of the first of `upcoming` (the file about to be read, then those after
    /// it) that are not started, while fewer than `concurrency` run.
    public func prefetch(_ upcoming: ArraySlice<InputFile>) {
        state.withLock { s in
            for file in upcoming.prefix(settings.concurrency) where RemotePath.isRemote(file.path) && s.started[file.path] == nil {
                guard s.running < settings.concurrency else { return }
                let transfer = RemoteTransfer(url: file.path, settings: settings)
                s.started[file.path] = transfer
                s.running += 1
                transfer.start()
            }
        }
    }

    /// The bytes of the file at `url`, from its download (started now if it was not).
    func open(_ url: String) -> ByteSource {
        let transfer = state.withLock { s -> RemoteTransfer in
            if let t = s.started.removeValue(forKey: url) { return t }
            s.running += 1
            let t = RemoteTransfer(url: url, settings: settings)
            t.start()
            return t
        }
        return RemoteByteSource(transfer: transfer) { [self] closed, validators in
            state.withLock { s in
                s.running -= 1
                s.bytes += closed.bytesReceived
                if let validators { s.validators[closed.url] = validators }
            }
        }
    }

    /// The validators of a file read whole in this run.
    public func validators(of url: String) -> RemoteValidators? { state.withLock { $0.validators[url] } }

    /// The bytes of the files read (a byte received twice, after a server ignored a range, counts once).
    public var bytesRead: Int { state.withLock { $0.bytes } }

    /// The current validators of `urls` by HEAD requests, `concurrency` at once.
    public func check(_ urls: [String]) -> [String: Result<RemoteValidators, RemoteError>] {
        let results = Mutex([String: Result<RemoteValidators, RemoteError>]())
        let next = Atomic(0)
        let group = DispatchGroup()
        // Threads of their own: requests block, and Dispatch's pool is sized to the cores.
        for _ in 0..<min(settings.concurrency, urls.count) {
            group.enter()
            Thread { [self] in
                defer { group.leave() }
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    guard i < urls.count else { return }
                    let result = RemoteTransfer.head(urls[i], settings: settings)
                    results.withLock { $0[urls[i]] = result }
                }
            }.start()
        }
        group.wait()
        return results.withLock { $0 }
    }
}

/// A file listing inputs (`--input-list`): one path or URL a line, plain or gzip, local or remote
/// (Common Crawl's `warc.paths.gz`).
public enum InputList {
    /// The inputs the list names, in order: blank lines and lines starting with `#` skipped, a
    /// relative path put after `prefix` (with one `/` between) when there is one, and named as
    /// listed.
    public static func read(_ list: String, prefix: String?, remote: RemoteSettings) throws -> [InputRoot] {
        let gzip = (RemotePath.isRemote(list) ? RemotePath.relativePath(list) : list).lowercased().hasSuffix(".gz")
        let source: ByteSource
        if RemotePath.isRemote(list) {
            let download = RemoteInputs(settings: remote).open(list)
            source = gzip ? try GzipByteSource(source: download) : download
        } else {
            source = try openByteSource(path: list)
        }
        let lines = ByteReader(source: source)
        var entries: [InputRoot] = []
        while let (line, _) = try lines.readLine(limit: 1 << 16) {
            let entry = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            entries.append(root(prefix, entry))
        }
        return entries
    }

    static func root(_ prefix: String?, _ entry: String) -> InputRoot {
        guard let prefix, !prefix.isEmpty, !RemotePath.isRemote(entry), !entry.hasPrefix("/") else { return InputRoot(entry) }
        return InputRoot(prefix.hasSuffix("/") ? prefix + entry : prefix + "/" + entry, name: entry)
    }
}

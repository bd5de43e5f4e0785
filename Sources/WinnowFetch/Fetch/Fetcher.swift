import Foundation
import WinnowCompression
import WinnowCore
import WinnowStages

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Settings of `winnow fetch`.
public struct FetchSettings: Sendable {
    /// Requests in flight over all hosts.
    public var concurrency = 8
    /// Requests in flight to one host.
    public var perHost = 1
    /// Seconds between the end of a request to a host and the start of the next (a robots.txt
    /// `Crawl-delay` that is longer wins).
    public var delay = 1.0
    public var userAgent = "winnow/0.1"
    /// A URL or e-mail address for site owners, added to the User-Agent.
    public var contact: String?
    /// Seconds to connect, and without data once connected.
    public var connectTimeout = 10.0
    /// Seconds for a whole response.
    public var timeout = 30.0
    public var robotsTimeout = 10.0
    public var maxBodyBytes = 16 * 1024 * 1024
    public var maxRedirects = 5
    /// Retries after a timeout, a connection error, 429 or 5xx.
    public var retries = 3
    /// The first retry waits about this many seconds, each next one twice as long (plus jitter).
    public var backoff = 1.0
    /// Seconds a `Retry-After` may ask for at most.
    public var maxRetryAfter = 600.0
    /// Do not record responses that are not HTML (counted as `not_html`).
    public var htmlOnly = false
    public var obeyRobots = true
    /// Start a new WARC file after this many compressed bytes.
    public var warcBytes = 1 << 30
    public init() {}

    var agentHeader: String { contact.map { "\(userAgent) (+\($0))" } ?? userAgent }
    /// The product token matched against robots.txt groups.
    var agentToken: String { String(userAgent.split(separator: "/").first ?? "winnow") }
}

/// What a fetch run did.
public struct FetchSummary: Sendable {
    public var urls = 0
    public var alreadyFetched = 0
    public var invalid: [(line: Int, text: String, reason: String)] = []
    /// URLs whose final answer was recorded with a 2xx status.
    public var fetched = 0
    /// Final outcomes that are not a 2xx response, by reason (`http_404`, `timeout`, ...).
    public var failures: [String: Int] = [:]
    public var requests = 0
    public var retries = 0
    public var redirects = 0
    public var truncated = 0
    public var bytes = 0
    public var seconds = 0.0
    public var files: [String] = []
    public var removedLeftovers: [String] = []
    public var robotsFetched = 0
}

/// One URL of the list, as it moves through redirects and retries.
struct FetchJob {
    var seed: String
    var url: URL
    var hop = 0
    var attempt = 0
    var visited: [String] = []
}

/// The outcome of one HTTP exchange.
struct Exchange {
    enum Failure {
        case timeout
        case connection(String)
        case tooLarge
        case invalid(String)
    }
    var status = 0
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    var truncated = false
    var failure: Failure?

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// URLSession (Foundation's, libcurl underneath on Linux): redirects are not followed by it (each
/// hop is recorded), bodies stop at the size limit, one blocking call per request.
/// `@unchecked Sendable`: URLSession calls the delegate on its queue while workers wait; `states`
/// is read and written only under `lock`, `session` set once in `init`.
final class HTTPClient: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private var session: URLSession!
    private let lock = NSLock()
    private var states: [Int: (exchange: Exchange, done: DispatchSemaphore, limit: Int)] = [:]

    init(settings: FetchSettings) {
        super.init()
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = settings.connectTimeout
        config.timeoutIntervalForResource = settings.timeout
        config.httpMaximumConnectionsPerHost = max(1, settings.perHost)
        config.httpShouldSetCookies = false
        config.httpCookieAcceptPolicy = .never
        config.urlCache = nil
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        // A serial delegate queue: a task's data callbacks must arrive in order.
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: config, delegate: self, delegateQueue: queue)
    }

    func invalidate() { session.invalidateAndCancel() }

    func get(_ request: URLRequest, limit: Int, timeout: Double) -> Exchange {
        var request = request
        request.timeoutInterval = timeout
        let task = session.dataTask(with: request)
        let done = DispatchSemaphore(value: 0)
        lock.lock()
        states[task.taskIdentifier] = (Exchange(), done, limit)
        lock.unlock()
        task.resume()
        done.wait()
        lock.lock()
        let result = states.removeValue(forKey: task.taskIdentifier)?.exchange ?? Exchange()
        lock.unlock()
        return result
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil) // the fetcher follows (and records) each hop itself
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        if let http = response as? HTTPURLResponse {
            lock.lock()
            states[dataTask.taskIdentifier]?.exchange.status = http.statusCode
            states[dataTask.taskIdentifier]?.exchange.headers = http.allHeaderFields.compactMap { k, v in
                (k as? String).map { ($0, "\(v)") }
            }.sorted { $0.0.lowercased() < $1.0.lowercased() }
            lock.unlock()
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        var cancel = false
        if var state = states[dataTask.taskIdentifier] {
            let room = state.limit - state.exchange.body.count
            if data.count > room {
                state.exchange.body.append(contentsOf: data.prefix(max(0, room)))
                state.exchange.truncated = true
                cancel = true
            } else {
                state.exchange.body.append(contentsOf: data)
            }
            states[dataTask.taskIdentifier] = state
        }
        lock.unlock()
        if cancel { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        if var state = states[task.taskIdentifier] {
            if let error = error as? URLError, !(state.exchange.truncated && error.code == .cancelled) {
                switch error.code {
                case .timedOut: state.exchange.failure = .timeout
                default: state.exchange.failure = .connection(error.localizedDescription)
                }
            } else if let error, !(error is URLError) {
                state.exchange.failure = .connection("\(error)")
            }
            states[task.taskIdentifier] = state
            state.done.signal()
        }
        lock.unlock()
    }
}

/// `winnow fetch`: URL lists into WARC files, politely. One scheduler hands each worker the next
/// URL of a host that is free (fewer than `perHost` requests in flight) and rested (its delay
/// passed); a host's robots.txt is fetched before its first URL. The archive itself is the
/// record of what was fetched: a second run reads the WARC files already there and skips the
/// URLs that have a 2xx response.
///
/// `@unchecked Sendable`: the workers share the scheduler's state (hosts, queue, summary, the
/// WARC writer) only under `cond`.
public final class Fetcher: @unchecked Sendable {
    public let settings: FetchSettings
    let output: String

    public init(settings: FetchSettings, output: String) {
        self.settings = settings
        self.output = output
    }

    /// Parses a URL list: one URL a line; blank lines and `#` comments skipped; the invalid ones
    /// returned with their line numbers.
    public static func parseList(_ text: String) -> (urls: [(line: Int, url: URL)], invalid: [(line: Int, text: String, reason: String)]) {
        var urls: [(Int, URL)] = []
        var invalid: [(Int, String, String)] = []
        var seen = Set<String>()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let url = URL(string: line), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                let host = url.host, !host.isEmpty
            else {
                invalid.append((i + 1, line, line.contains("://") ? "not an http(s) URL with a host" : "not a URL"))
                continue
            }
            if seen.insert(url.absoluteString).inserted { urls.append((i + 1, url)) }
        }
        return (urls, invalid)
    }

    /// Seeds with a 2xx response in the WARC files of `directory`.
    public static func fetchedSeeds(in directory: String) -> Set<String> {
        var done = Set<String>()
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        where !name.hasPrefix(".") && (name.hasSuffix(".warc.gz") || name.hasSuffix(".warc")) {
            guard let source = try? GzipByteSource(path: directory + "/" + name) else { continue }
            let reader = WARCReader(source: source, maxBlock: 64 * 1024 * 1024) { $0 == "response" }
            while let event = reader.next() {
                guard case .record(let record) = event, record.type == "response", let seed = record.header("WARC-Winnow-Seed-URI") else { continue }
                if let status = HTTPResponse.parse(record.block)?.status, (200..<300).contains(status) { done.insert(seed) }
            }
        }
        return done
    }

    // MARK: scheduling

    /// A host's URLs, first in first out; taking one is O(1) (`removeFirst` on an array moved
    /// every other URL of the host).
    struct JobQueue {
        private var items: [FetchJob] = []
        private var head = 0
        var isEmpty: Bool { head == items.count }
        mutating func append(_ job: FetchJob) { items.append(job) }
        mutating func popFirst() -> FetchJob {
            let job = items[head]
            head += 1
            if head >= 1024 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    private struct Host {
        var queue = JobQueue()
        var active = 0
        var nextAllowed = 0.0
        var robots: RobotsRules?
        var robotsPending = false
    }

    private let cond = NSCondition()
    private var hosts: [String: Host] = [:]
    /// Hosts whose robots.txt is to be fetched, in the order they appeared.
    private var robotsNeeded: [String] = []
    private var robotsNext = 0
    /// (time a host may be asked again, host) for hosts with queued URLs: a min-heap, so picking
    /// the next URL costs log(hosts), not a scan of every host. Entries are checked when popped
    /// (a host may have several, or none left to do).
    private var ready = MinHeap<(Double, String)> { $0.0 < $1.0 }

    /// Makes `key` known, and schedulable once its robots.txt is in.
    private func schedule(_ key: String, notBefore: Double = 0) {
        if hosts[key] == nil {
            hosts[key] = Host()
            if settings.obeyRobots {
                robotsNeeded.append(key)
                hosts[key]?.robotsPending = true
                return
            }
            hosts[key]?.robots = .allowAll
        }
        guard let host = hosts[key], host.robots != nil else { return }
        ready.push((max(notBefore, host.nextAllowed), key))
    }
    private var outstanding = 0
    private var summary = FetchSummary()
    private var writeError: Error?

    static func hostKey(_ url: URL) -> String {
        "\(url.scheme?.lowercased() ?? "http")://\(url.host?.lowercased() ?? ""):\(url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80))"
    }

    /// Fetches the list's URLs into WARC files under `output`.
    public func run(list: String, progress: (@Sendable (FetchSummary) -> Void)? = nil) throws -> FetchSummary {
        let start = Date()
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let lock = try OutputLock(directory: output)
        defer { withExtendedLifetime(lock) {} }
        summary.removedLeftovers = WARCFileWriter.removeLeftovers(in: output)
        let (urls, invalid) = Fetcher.parseList(list)
        summary.invalid = invalid
        summary.urls = urls.count
        let done = Fetcher.fetchedSeeds(in: output)
        for (_, url) in urls {
            if done.contains(url.absoluteString) {
                summary.alreadyFetched += 1
                continue
            }
            let key = Fetcher.hostKey(url)
            let isNew = hosts[key] == nil
            if isNew { schedule(key) }
            hosts[key]?.queue.append(FetchJob(seed: url.absoluteString, url: url))
            outstanding += 1
        }
        let writer = try WARCFileWriter(
            directory: output, prefix: "winnow-fetch", maxBytes: settings.warcBytes,
            software: "Winnow 0.1 (winnow fetch; Foundation URLSession)")
        let client = HTTPClient(settings: settings)
        // Workers are threads of their own, not Dispatch's pool: they block on their request,
        // and URLSession's delegate callbacks need pool threads to run.
        let group = DispatchGroup()
        for _ in 0..<max(1, min(settings.concurrency, max(1, outstanding))) {
            group.enter()
            let thread = Thread { [self] in
                self.work(client: client, writer: writer, progress: progress)
                group.leave()
            }
            thread.start()
        }
        group.wait()
        client.invalidate()
        try writer.close()
        if let writeError { throw writeError }
        summary.files = writer.files
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }

    private enum Next {
        case robots(String)
        case job(String, FetchJob)
        case wait(Double)
        case finished
    }

    private func nextWork() -> Next {
        if robotsNext < robotsNeeded.count {
            let key = robotsNeeded[robotsNext]
            robotsNext += 1
            return .robots(key)
        }
        let now = monotonicSeconds()
        while let (time, key) = ready.peek() {
            // Fields read one by one: a copy of the Host held here would make taking from its
            // queue copy the whole queue.
            guard hosts[key]?.queue.isEmpty == false, let active = hosts[key]?.active, active < settings.perHost,
                let allowed = hosts[key]?.nextAllowed
            else {
                _ = ready.pop() // nothing to do there now; a finishing request schedules it again
                continue
            }
            if allowed > time {
                _ = ready.pop()
                ready.push((allowed, key))
                continue
            }
            if time > now { return .wait(time - now) }
            _ = ready.pop()
            let job = hosts[key]!.queue.popFirst()
            hosts[key]!.active += 1
            if !hosts[key]!.queue.isEmpty && hosts[key]!.active < settings.perHost { ready.push((allowed, key)) }
            return .job(key, job)
        }
        if outstanding == 0 { return .finished }
        return .wait(0.5)
    }

    private func work(client: HTTPClient, writer: WARCFileWriter, progress: (@Sendable (FetchSummary) -> Void)?) {
        while true {
            cond.lock()
            var next = nextWork()
            while case .wait(let seconds) = next {
                _ = cond.wait(until: Date(timeIntervalSinceNow: max(0.005, min(seconds, 1))))
                next = nextWork()
            }
            cond.unlock()
            switch next {
            case .finished, .wait:
                cond.lock()
                cond.broadcast()
                cond.unlock()
                return
            case .robots(let key):
                let rules = fetchRobots(key, client: client)
                cond.lock()
                hosts[key]?.robots = rules
                hosts[key]?.robotsPending = false
                hosts[key]?.nextAllowed = monotonicSeconds() + politeDelay(rules)
                schedule(key)
                cond.broadcast()
                cond.unlock()
            case .job(let key, let job):
                let requeue = fetch(job, client: client, writer: writer)
                cond.lock()
                hosts[key]?.active -= 1
                let rest = politeDelay(hosts[key]?.robots)
                hosts[key]?.nextAllowed = monotonicSeconds() + rest
                if let (again, wait) = requeue {
                    let againKey = Fetcher.hostKey(again.url)
                    if hosts[againKey] == nil { schedule(againKey) }
                    hosts[againKey]?.queue.append(again)
                    if wait > 0 {
                        // 429, 5xx, timeouts: the whole host waits, not only this URL.
                        let allowed = max(hosts[againKey]?.nextAllowed ?? 0, monotonicSeconds() + wait)
                        hosts[againKey]?.nextAllowed = allowed
                    }
                    if againKey != key { schedule(againKey) }
                } else {
                    outstanding -= 1
                }
                schedule(key)
                let snapshot = summary
                cond.broadcast()
                cond.unlock()
                progress?(snapshot)
            }
        }
    }

    /// The path and query of `url`, as a request line and robots.txt see it.
    static func requestTarget(_ url: URL) -> String {
        var path = url.path.isEmpty ? "/" : url.path
        if let q = url.query { path += "?" + q }
        return path
    }

    private func politeDelay(_ robots: RobotsRules?) -> Double { max(settings.delay, robots?.crawlDelay ?? 0) }

    private func request(_ url: URL) -> URLRequest {
        var r = URLRequest(url: url)
        r.httpMethod = "GET"
        r.setValue(settings.agentHeader, forHTTPHeaderField: "User-Agent")
        r.setValue("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", forHTTPHeaderField: "Accept")
        return r
    }

    private func fetchRobots(_ key: String, client: HTTPClient) -> RobotsRules {
        guard let url = URL(string: key + "/robots.txt") else { return .allowAll }
        let exchange = client.get(request(url), limit: 512 * 1024, timeout: settings.robotsTimeout)
        cond.lock()
        summary.robotsFetched += 1
        cond.unlock()
        if exchange.failure != nil { return .denyAll } // unreachable: as 5xx, no fetching from the host this run
        switch exchange.status {
        case 200..<300: return RobotsRules.parse(String(decoding: exchange.body, as: UTF8.self), agent: settings.agentToken)
        case 400..<500: return .allowAll
        default: return .denyAll
        }
    }

    /// One request; returns the job to queue again (a redirect's next hop or a retry) and how long to wait.
    private func fetch(_ job: FetchJob, client: HTTPClient, writer: WARCFileWriter) -> (FetchJob, Double)? {
        let key = Fetcher.hostKey(job.url)
        cond.lock()
        let rules = hosts[key]?.robots ?? .allowAll
        cond.unlock()
        if !rules.allows(Fetcher.requestTarget(job.url)) {
            count(failure: rules.disallowAll ? "robots_unavailable" : "robots_disallowed")
            return nil
        }
        let req = request(job.url)
        var exchange = client.get(req, limit: settings.maxBodyBytes, timeout: settings.timeout)
        cond.lock()
        summary.requests += 1
        cond.unlock()
        // An exchange that ended without an error and without a response (a kept-alive connection
        // the server closed under it) is a connection error: retried.
        if exchange.failure == nil && exchange.status == 0 { exchange.failure = .connection("no response") }
        if let failure = exchange.failure {
            let reason: String
            switch failure {
            case .timeout: reason = "timeout"
            case .connection: reason = "connection_error"
            case .tooLarge: reason = "too_large"
            case .invalid: reason = "invalid_response"
            }
            return retry(job, reason: reason, after: nil)
        }
        let contentType = exchange.header("Content-Type")?.lowercased() ?? ""
        let isHTML = contentType.isEmpty || contentType.contains("html")
        if !(settings.htmlOnly && !isHTML && (200..<300).contains(exchange.status)) {
            record(job, request: req, exchange: exchange, writer: writer)
        }
        if exchange.truncated {
            cond.lock()
            summary.truncated += 1
            cond.unlock()
        }
        switch exchange.status {
        case 200..<300:
            if settings.htmlOnly && !isHTML {
                count(failure: "not_html")
                return nil
            }
            cond.lock()
            summary.fetched += 1
            cond.unlock()
            return nil
        case 300..<400 where exchange.header("Location") != nil:
            guard let location = exchange.header("Location"), let next = URL(string: location, relativeTo: job.url)?.absoluteURL else {
                count(failure: "bad_redirect")
                return nil
            }
            var hop = job
            hop.visited.append(job.url.absoluteString)
            if hop.visited.contains(next.absoluteString) {
                count(failure: "redirect_loop")
                return nil
            }
            if job.hop >= settings.maxRedirects {
                count(failure: "too_many_redirects")
                return nil
            }
            hop.url = next
            hop.hop += 1
            hop.attempt = 0
            cond.lock()
            summary.redirects += 1
            cond.unlock()
            return (hop, 0)
        case 429, 500..<600:
            return retry(job, reason: "http_\(exchange.status)", after: exchange.header("Retry-After"))
        default:
            count(failure: "http_\(exchange.status)")
            return nil
        }
    }

    private func retry(_ job: FetchJob, reason: String, after retryAfter: String?) -> (FetchJob, Double)? {
        guard job.attempt < settings.retries else {
            count(failure: reason)
            return nil
        }
        var again = job
        again.attempt += 1
        var wait = settings.backoff * pow(2, Double(job.attempt)) * (1 + Double.random(in: 0..<0.5))
        if let seconds = retryAfter.flatMap(HTTPDate.retryAfter) { wait = max(wait, seconds) }
        cond.lock()
        summary.retries += 1
        cond.unlock()
        return (again, min(wait, settings.maxRetryAfter))
    }

    private func count(failure reason: String) {
        cond.lock()
        summary.failures[reason, default: 0] += 1
        cond.unlock()
    }

    /// The request and response as WARC records. URLSession hands over the body with transfer and
    /// content encodings undone, so the record holds that body with `Content-Length` set to it; the
    /// original `Content-Encoding` and `Transfer-Encoding` are kept as `X-Winnow-Original-*`.
    private func record(_ job: FetchJob, request: URLRequest, exchange: Exchange, writer: WARCFileWriter) {
        let path = Fetcher.requestTarget(job.url)
        var hostHeader = job.url.host ?? ""
        if let port = job.url.port { hostHeader += ":\(port)" }
        var req = "GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
        for (k, v) in (request.allHTTPHeaderFields ?? [:]).sorted(by: { $0.key < $1.key }) { req += "\(k): \(v)\r\n" }
        req += "Accept-Encoding: deflate, gzip\r\n\r\n"
        var head = "HTTP/1.1 \(exchange.status) \(HTTPURLResponse.localizedString(forStatusCode: exchange.status).capitalized)\r\n"
        for (k, v) in exchange.headers {
            switch k.lowercased() {
            case "content-length": continue
            case "content-encoding", "transfer-encoding": head += "X-Winnow-Original-\(k): \(v)\r\n"
            default: head += "\(k): \(v)\r\n"
            }
        }
        head += "Content-Length: \(exchange.body.count)\r\n\r\n"
        var response = Array(head.utf8)
        let payloadOffset = response.count
        response.append(contentsOf: exchange.body)
        do {
            cond.lock()
            defer { cond.unlock() }
            try writer.write(
                uri: job.url.absoluteString, request: Array(req.utf8), response: response, payloadOffset: payloadOffset,
                truncated: exchange.truncated, seed: job.seed, ipAddress: nil)
            summary.bytes += exchange.body.count
        } catch {
            writeError = writeError ?? error
        }
    }
}

/// A binary min-heap.
struct MinHeap<Element> {
    private var items: [Element] = []
    private let less: (Element, Element) -> Bool

    init(less: @escaping (Element, Element) -> Bool) { self.less = less }

    func peek() -> Element? { items.first }

    mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < items.count && less(items[l], items[m]) { m = l }
            if r < items.count && less(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}

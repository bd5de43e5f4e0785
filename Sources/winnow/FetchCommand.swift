import ArgumentParser
import Foundation
import Winnow
import WinnowCore
import WinnowDedup
import WinnowDistributed
import WinnowFetch
import WinnowReport
import WinnowStages

/// `winnow fetch`: a URL list into WARC files that `winnow run` (and every WARC tool) reads.
struct FetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch a list of URLs politely into WARC/1.1 files (.warc.gz, one gzip member per record).",
        discussion: """
            One URL a line; blank lines and # comments are skipped, invalid lines reported with their \
            number. robots.txt is obeyed (fetched once per host: 4xx allows everything, 5xx or no \
            answer forbids the host for this run; Crawl-delay honoured). Running again with the same \
            list and output fetches only the URLs without a 2xx response in the WARC files already \
            there. Exit status: 0 every URL answered 2xx (or was fetched before); 2 some failed (see \
            the summary); 1 the output cannot be written; 64 usage error; 75 another fetch holds \
            the output directory.
            """
    )

    @Option(help: ArgumentHelp("The URL list.", valueName: "file"))
    var urls: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The archive directory for the WARC files.", valueName: "dir"))
    var output: String

    @Option(help: "Requests in flight over all hosts.")
    var concurrency: Int = 8

    @Option(help: "Requests in flight to one host.")
    var perHost: Int = 1

    @Option(help: "Seconds between two requests to one host (a longer robots.txt Crawl-delay wins).")
    var delay: Double = 1

    @Option(help: "The User-Agent's product (its first word is matched against robots.txt groups).")
    var userAgent: String = "winnow/0.1"

    @Option(help: ArgumentHelp("A URL or e-mail address for site owners, added to the User-Agent.", valueName: "url-or-email"))
    var contact: String?

    @Option(help: "Seconds to connect, and without data once connected.")
    var connectTimeout: Double = 10

    @Option(help: "Seconds for a whole response.")
    var timeout: Double = 30

    @Option(help: "Bodies larger than this many MiB are cut there and the record marked WARC-Truncated.")
    var maxBodySize: Double = 16

    @Option(help: "Redirects followed per URL (each hop is recorded).")
    var maxRedirects: Int = 5

    @Option(help: "Retries after a timeout, a connection error, 429 or 5xx (exponential backoff with jitter; Retry-After honoured).")
    var retries: Int = 3

    @Option(help: "Seconds before the first retry; each next one waits twice as long.")
    var backoff: Double = 1

    @Flag(help: "Do not record responses that are not HTML (counted as not_html).")
    var htmlOnly = false

    @Flag(help: "Ignore robots.txt (only for sites you own).")
    var ignoreRobots = false

    @Option(help: "Start a new WARC file after this many MiB.")
    var warcSize: Double = 1024

    @Flag(name: .shortAndLong, help: "Errors only, no summary.")
    var quiet = false

    /// The failure reason that is a site's policy rather than a failure.
    static let policyExclusion = "robots_disallowed"

    func validate() throws {
        guard concurrency >= 1 && concurrency <= 1024 else { throw ValidationError("--concurrency must be 1 to 1024") }
        guard perHost >= 1 else { throw ValidationError("--per-host must be at least 1") }
        guard delay >= 0, backoff >= 0 else { throw ValidationError("--delay and --backoff must be 0 or more") }
        guard connectTimeout > 0, timeout > 0 else { throw ValidationError("timeouts must be positive") }
        guard maxBodySize > 0, warcSize > 0 else { throw ValidationError("sizes must be positive") }
        guard maxRedirects >= 0, retries >= 0 else { throw ValidationError("--max-redirects and --retries must be 0 or more") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: urls) else {
            Log.error("\(urls): cannot read the URL list")
            throw ExitCode(.usage)
        }
        var s = FetchSettings()
        s.concurrency = concurrency
        s.perHost = perHost
        s.delay = delay
        s.userAgent = userAgent
        s.contact = contact
        s.connectTimeout = connectTimeout
        s.timeout = timeout
        s.maxBodyBytes = Int(maxBodySize * 1024 * 1024)
        s.maxRedirects = maxRedirects
        s.retries = retries
        s.backoff = backoff
        s.htmlOnly = htmlOnly
        s.obeyRobots = !ignoreRobots
        s.warcBytes = Int(warcSize * 1024 * 1024)
        let fetcher = Fetcher(settings: s, output: output)
        let summary: FetchSummary
        do {
            summary = try fetcher.run(list: String(decoding: data, as: UTF8.self))
        } catch let error as OutputLock.LockError {
            Log.error("\(error)")
            // 75 only when a live run holds the lock; a directory that cannot be locked is a failure.
            if case .held = error { throw ExitCode(.lockHeld) }
            throw ExitCode(.failed)
        } catch {
            Log.error("\(error)")
            throw ExitCode(.failed)
        }
        for bad in summary.invalid { Log.warning("\(urls):\(bad.line): \(bad.reason): \(bad.text)") }
        if !quiet {
            var lines = [
                "winnow fetch: \(summary.urls) URLs (\(summary.alreadyFetched) fetched before) in \(String(format: "%.1f", summary.seconds)) s"
            ]
            lines.append("fetched \(summary.fetched), failed \(summary.failures.values.reduce(0, +)), invalid lines \(summary.invalid.count)")
            if !summary.failures.isEmpty {
                lines.append("failures: " + summary.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if let excluded = summary.failures[Self.policyExclusion] {
                lines.append("\(Self.policyExclusion) \(excluded): excluded by the sites' robots.txt, which does not change the exit status")
            }
            lines.append(
                "requests \(summary.requests) (robots.txt \(summary.robotsFetched), retries \(summary.retries), redirects \(summary.redirects), truncated \(summary.truncated)); \(String(format: "%.1f", Double(summary.bytes) / 1e6)) MB of bodies"
            )
            lines.append(String(format: "throughput %.1f requests/s", summary.seconds > 0 ? Double(summary.requests) / summary.seconds : 0))
            lines.append("files: " + (summary.files.isEmpty ? "none" : summary.files.joined(separator: ", ")))
            Log.writeStderr(lines.joined(separator: "\n") + "\n")
        }
        // A URL robots.txt excludes is the site's policy, not a failure: counted and reported,
        // but it would otherwise mail cron's owner every night.
        let realFailures = summary.failures.filter { $0.key != Self.policyExclusion }
        if !realFailures.isEmpty || !summary.invalid.isEmpty { throw ExitCode(.inputErrors) }
    }
}

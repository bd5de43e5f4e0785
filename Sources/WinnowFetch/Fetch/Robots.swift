import WinnowCore
import WinnowStages

/// The rules of a robots.txt (RFC 9309) for one user agent: the group naming the agent's product
/// token, else the `*` group; the longest matching Allow/Disallow wins (Allow on a tie); `*` and `$`
/// in paths; `Crawl-delay` read as seconds (not in the RFC, but widely honoured).
public struct RobotsRules: Sendable, Equatable {
    public var allows: [String] = []
    public var disallows: [String] = []
    public var crawlDelay: Double?
    /// Everything disallowed (a robots.txt that answered 5xx or could not be fetched).
    public var disallowAll = false

    public init() {}

    public static let allowAll = RobotsRules()
    public static var denyAll: RobotsRules {
        var r = RobotsRules()
        r.disallowAll = true
        return r
    }

    /// Parses `text` for the agent whose product token is `agent` (case-insensitive).
    public static func parse(_ text: String, agent: String) -> RobotsRules {
        struct Group {
            var agents: [String] = []
            var rules = RobotsRules()
        }
        var groups: [Group] = []
        var current: Group?
        var lastWasAgent = false
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "user-agent":
                if !lastWasAgent {
                    if let g = current { groups.append(g) }
                    current = Group()
                }
                current?.agents.append(value.lowercased())
                lastWasAgent = true
                continue
            case "allow": if !value.isEmpty { current?.rules.allows.append(value) }
            case "disallow": if !value.isEmpty { current?.rules.disallows.append(value) }
            case "crawl-delay": current?.rules.crawlDelay = Double(value)
            default: break
            }
            lastWasAgent = false
        }
        if let g = current { groups.append(g) }
        let token = agent.lowercased()
        let mine = groups.filter { $0.agents.contains { !$0.isEmpty && $0 != "*" && token.hasPrefix($0) } }
        let chosen = mine.isEmpty ? groups.filter { $0.agents.contains("*") } : mine
        var rules = RobotsRules()
        for g in chosen {
            rules.allows += g.rules.allows
            rules.disallows += g.rules.disallows
            if let d = g.rules.crawlDelay { rules.crawlDelay = max(rules.crawlDelay ?? 0, d) }
        }
        return rules
    }

    /// Whether `path` (with its query) may be fetched.
    public func allows(_ path: String) -> Bool {
        if disallowAll { return false }
        let allow = allows.filter { RobotsRules.matches($0, path) }.map(\.count).max() ?? -1
        let disallow = disallows.filter { RobotsRules.matches($0, path) }.map(\.count).max() ?? -1
        return allow >= disallow
    }

    /// A robots.txt path pattern against a path: `*` any run of characters, `$` the end.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        let p = Array(pattern.utf8)
        let s = Array(path.utf8)
        func match(_ i: Int, _ j: Int) -> Bool {
            if i == p.count { return true }
            if p[i] == UInt8(ascii: "$") && i == p.count - 1 { return j == s.count }
            if p[i] == UInt8(ascii: "*") {
                var k = j
                while k <= s.count {
                    if match(i + 1, k) { return true }
                    k += 1
                }
                return false
            }
            return j < s.count && p[i] == s[j] && match(i + 1, j + 1)
        }
        return match(0, 0)
    }
}

import WinnowCore

/// Removal of paragraphs repeated across many documents (cc_net's idea: a line that recurs in
/// many pages is site furniture, not content). Streaming and deterministic: a paragraph is
/// removed from a document when at least `threshold` earlier documents of the run held it
/// (case and whitespace aside), so the first `threshold` documents keep it. Off by default.
/// Memory: one 8-byte key and a counter per distinct paragraph of the run.
public struct ParagraphBoilerplate {
    public let threshold: Int
    private var seen: [UInt64: Int32] = [:]

    public init(threshold: Int) { self.threshold = max(1, threshold) }

    /// The text without its repeated paragraphs, and how many were removed.
    public mutating func filter(_ text: String) -> (text: String, removed: Int) {
        var kept: [Substring] = []
        var removed = 0
        // Earlier documents' counts, read once per paragraph: a paragraph repeated within one
        // document counts once for it.
        var before: [UInt64: Int32] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let key = ExactDedup.key(String(line)).high
            let count: Int32
            if let known = before[key] {
                count = known
            } else {
                count = seen[key, default: 0]
                before[key] = count
                seen[key] = count + 1
            }
            if Int(count) >= threshold {
                removed += 1
            } else {
                kept.append(line)
            }
        }
        return (kept.joined(separator: "\n"), removed)
    }
}

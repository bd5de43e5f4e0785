import WinnowCore

/// What a filtering stage or rule does with a document that fails it.
public enum FilterMode: String, Sendable, CaseIterable {
    /// Drop the document, counted under the rule's name.
    case filter
    /// Keep the document and write the rule's score into `metadata`, so thresholds can be chosen
    /// after the fact.
    case annotate
}

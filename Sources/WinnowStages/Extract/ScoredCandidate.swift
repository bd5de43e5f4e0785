/// A value a metadata field could take, with the features its learned model read and the model's
/// score (`TitleChooser`, `DateChooser`).
package struct ScoredCandidate {
    package var text: String
    package var features: [Double]
    package var score: Double

    /// `model` is a generated `rawScore` (its trees read the features through a pointer).
    init(text: String, features: [Double], model: (UnsafePointer<Double>) -> Double) {
        self.text = text
        self.features = features
        score = features.withUnsafeBufferPointer { model($0.baseAddress!) }
    }

    /// The best-scored candidate's text, the first on ties (as the training script's argmax), or
    /// nil when there is none.
    static func best(_ candidates: [ScoredCandidate]) -> String? {
        var best: ScoredCandidate?
        for candidate in candidates where best.map({ candidate.score > $0.score }) ?? true { best = candidate }
        return best?.text
    }
}

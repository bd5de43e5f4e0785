import Foundation
import WinnowCore

/// The learned block model: gradient-boosted trees over `BlockFeatures`, trained by
/// `scripts/train_extract.py` (`make train-extract`) on the development sets and shipped as
/// generated source (`BlockModelParameters.swift`: one function a tree, its splits nested `if`s).
/// A block is main text when the model's probability is at least `keepThreshold`, or
/// `keepThresholdOther` on a page the rules classify as neither article nor discussion (both
/// chosen by the training's cross-validation). The blocks kept are the most likely
/// keep/leave-out sequence, each change between the two costing a switch cost (`keep`).
///
/// The trees were a walk over arrays of 16-byte nodes before 2026-11-30: compiled, each split is
/// a branch of its own that the processor predicts on its own, where every split of every tree
/// went through the same load and branch; the trees' one-core `perf` samples in the extract
/// stage on the WCXB pages fell by two thirds (804–816 to 267–270), with the same probabilities.
struct BlockModel: Sendable {
    /// The threshold a block's probability must reach on a page of `kind`.
    static func threshold(_ kind: PageKind) -> Double { kind == .other ? keepThresholdOther : keepThreshold }

    /// The cost of a change between kept and left-out blocks on a page of `kind`: discussion
    /// pages alternate posts with their headers, so they take the plain threshold.
    static func switchCost(_ kind: PageKind) -> Double {
        switch kind {
        case .article: return switchCostArticle
        case .other: return switchCostOther
        case .discussion: return 0
        }
    }

    /// Which blocks are kept: the most likely keep/leave-out sequence (Viterbi) when a block's
    /// score for being kept is its log-odds over the threshold's and each change between kept and
    /// left out costs `cost`. Main text is mostly one run of blocks, so a short block between kept
    /// paragraphs is kept with them and a lone likely block amid boilerplate is not. A cost of 0 is
    /// the plain threshold. When the run keeps nothing (only lone likely blocks, each worth less than
    /// the two changes around it), the threshold's blocks are kept: a page the threshold finds main
    /// text on is not dropped. Ties stay in the state they are in and end left out (as
    /// `scripts/train_extract.py`'s `kept_sequence`, which chose the costs on cross-validated
    /// probabilities).
    static func keep(_ probabilities: [Double], threshold: Double, cost: Double) -> [Bool] {
        let plain = probabilities.map { $0 >= threshold }
        guard cost > 0, plain.contains(true) else { return plain }
        let bias = logit(threshold)
        var out = [Bool]()
        probabilities.withUnsafeBufferPointer { p in
            // back[i]: for each state at block i, the state at block i - 1 on its best path.
            var back = [(Bool, Bool)](repeating: (false, false), count: p.count)
            var left = 0.0
            var kept = logit(p[0]) - bias
            for i in 1..<p.count {
                let score = logit(p[i]) - bias
                let leftFrom = left < kept - cost
                let keptFrom = kept >= left - cost
                (left, kept) = (max(left, kept - cost), max(kept, left - cost) + score)
                back[i] = (leftFrom, keptFrom)
            }
            var state = !(left >= kept)
            out = [Bool](repeating: false, count: p.count)
            for i in stride(from: p.count - 1, through: 0, by: -1) {
                out[i] = state
                state = state ? back[i].1 : back[i].0
            }
        }
        return out.contains(true) ? out : plain
    }

    /// The column of the feature that says a block is inside a `<footer>`.
    static let footerColumn = BlockFeatures.names.firstIndex(of: "path_footer")!

    /// The probabilities with every block inside a `<footer>` (an ancestor's tag) given 0: a
    /// page's or an article's footer is never its main text, as the rules hold too
    /// (`ExtractRules.boilerplateTags`). On the development pages 2,657 of the 119,574 words of
    /// such blocks (2.2%) are in the truth, yet the model, cross-validated by domain, scored
    /// 10,166 of their words over its thresholds: legal notes and footnotes that read as prose.
    /// `scripts/train_extract.py` does the same (`without_footers`).
    static func withoutFooters(_ probabilities: [Double], _ features: BlockFeatures.FeatureMatrix) -> [Double] {
        let columns = BlockFeatures.FeatureMatrix.columns
        return probabilities.enumerated().map { row, p in features.values[row * columns + footerColumn] > 0 ? 0 : p }
    }

    private static func logit(_ p: Double) -> Double {
        let q = min(max(p, 1e-6), 1 - 1e-6)
        return log(q / (1 - q))
    }

    /// The shipped model, checked once against the features Winnow computes.
    static let shipped: BlockModel = {
        precondition(
            trainedFeatureNames == BlockFeatures.names,
            "BlockModelParameters.swift was trained on other features than BlockFeatures computes: run make train-extract")
        precondition(highestFeature < trainedFeatureNames.count, "BlockModelParameters.swift reads past the feature vector")
        return BlockModel()
    }()

    /// The probability that each block (a row of `features`) is main text.
    func probabilities(_ features: BlockFeatures.FeatureMatrix) -> [Double] {
        let columns = BlockFeatures.FeatureMatrix.columns
        precondition(columns == Self.trainedFeatureNames.count && features.values.count == features.rows * columns)
        return features.values.withUnsafeBufferPointer { x in
            (0..<features.rows).map { row in 1 / (1 + exp(-Self.rawScore(x.baseAddress! + row * columns))) }
        }
    }
}

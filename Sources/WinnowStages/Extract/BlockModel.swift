import Foundation
import WinnowCore

/// The learned block model: gradient-boosted trees over `BlockFeatures`, trained by
/// `scripts/train_extract.py` (`make train-extract`) on the development sets and shipped as
/// generated source (`BlockModelParameters.swift`: one function a tree, its splits nested `if`s).
/// A block is main text when the model's probability is at least `keepThreshold`, or
/// `keepThresholdOther` on a page the rules classify as neither article nor discussion (both
/// chosen by the training's cross-validation).
///
/// The trees were a walk over arrays of 16-byte nodes before 2026-11-30: compiled, each split is
/// a branch of its own that the processor predicts on its own, where every split of every tree
/// went through the same load and branch; the trees' one-core `perf` samples in the extract
/// stage on the WCXB pages fell by two thirds (804–816 to 267–270), with the same probabilities.
struct BlockModel: Sendable {
    /// The threshold a block's probability must reach on a page of `kind`.
    static func threshold(_ kind: PageKind) -> Double { kind == .other ? keepThresholdOther : keepThreshold }

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

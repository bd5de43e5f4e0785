import Foundation
import WinnowCore

/// The learned block model: gradient-boosted trees over `BlockFeatures`, trained by
/// `scripts/train_extract.py` (`make train-extract`) on the development sets and shipped as
/// generated source (`BlockModelParameters.swift`). A block is main text when the model's
/// probability is at least `keepThreshold`, or `keepThresholdOther` on a page the rules classify
/// as neither article nor discussion (both chosen by the training's cross-validation).
struct BlockModel: Sendable {
    /// One node of a tree: a split (`feature` ≥ 0: go to `left` when the value is at most
    /// `threshold`, else to `right`) or a leaf (`feature` -1) whose `threshold` slot holds the
    /// value it adds to the raw score. 16 bytes, loaded whole per level (measured faster than
    /// separate arrays of features, thresholds and children; and than 24-byte nodes with 32-bit
    /// indices: 16 bits hold a model of up to 65,535 nodes, `init` refuses a larger one).
    struct Node: Sendable {
        var threshold: Double
        var feature: Int16
        var left: UInt16
        var right: UInt16
    }
    let nodes: [Node]
    let roots: [Int32]

    /// The threshold a block's probability must reach on a page of `kind`.
    static func threshold(_ kind: PageKind) -> Double { kind == .other ? keepThresholdOther : keepThreshold }

    /// The shipped model, decoded once.
    static let shipped: BlockModel = {
        guard let model = BlockModel(packed: packed, nodes: nodeCount, trees: treeCount) else {
            preconditionFailure("BlockModelParameters.swift does not decode: regenerate it with make train-extract")
        }
        precondition(
            trainedFeatureNames == BlockFeatures.names,
            "BlockModelParameters.swift was trained on other features than BlockFeatures computes: run make train-extract")
        return model
    }()

    init?(packed: String, nodes: Int, trees: Int) {
        guard let data = Data(base64Encoded: packed, options: .ignoreUnknownCharacters), data.count == nodes * (4 * 3 + 8 * 2) + trees * 4 else {
            return nil
        }
        let bytes = [UInt8](data)
        var offset = 0
        func int32s(_ n: Int) -> [Int32] {
            defer { offset += 4 * n }
            return (0..<n).map { i in
                let o = offset + 4 * i
                return Int32(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)
            }
        }
        func doubles(_ n: Int) -> [Double] {
            defer { offset += 8 * n }
            return (0..<n).map { i in
                var bits: UInt64 = 0
                for k in 0..<8 { bits |= UInt64(bytes[offset + 8 * i + k]) << (8 * k) }
                return Double(bitPattern: bits)
            }
        }
        let feature = int32s(nodes)
        let left = int32s(nodes)
        let right = int32s(nodes)
        let threshold = doubles(nodes)
        let value = doubles(nodes)
        roots = int32s(trees)
        // Every child index and split feature must be in range, so the walk can go unchecked.
        for n in 0..<nodes where feature[n] >= 0 {
            guard Int(feature[n]) < Self.trainedFeatureNames.count, left[n] > 0, right[n] > 0, Int(left[n]) < nodes, Int(right[n]) < nodes else {
                return nil
            }
        }
        guard roots.allSatisfy({ $0 >= 0 && Int($0) < nodes }), nodes <= Int(UInt16.max) else { return nil }
        self.nodes = (0..<nodes).map {
            let leaf = feature[$0] < 0
            return Node(
                threshold: leaf ? value[$0] : threshold[$0], feature: leaf ? -1 : Int16(feature[$0]), left: leaf ? 0 : UInt16(left[$0]),
                right: leaf ? 0 : UInt16(right[$0]))
        }
    }

    /// The probability that each block (a row of `features`) is main text. Trees are the outer
    /// loop and blocks the inner one (the same additions, in the same order, as block by block).
    func probabilities(_ features: BlockFeatures.FeatureMatrix) -> [Double] {
        let columns = BlockFeatures.FeatureMatrix.columns
        precondition(columns == Self.trainedFeatureNames.count && features.values.count == features.rows * columns)
        var raw = [Double](repeating: Self.baseline, count: features.rows)
        nodes.withUnsafeBufferPointer { nodes in
            features.values.withUnsafeBufferPointer { x in
                raw.withUnsafeMutableBufferPointer { raw in
                    for root in roots {
                        for row in 0..<raw.count {
                            let base = row * columns
                            var node = nodes[Int(root)]
                            while node.feature >= 0 {
                                node = nodes[Int(x[base + Int(node.feature)] <= node.threshold ? node.left : node.right)]
                            }
                            raw[row] += node.threshold
                        }
                    }
                }
            }
        }
        return raw.map { 1 / (1 + exp(-$0)) }
    }
}

import Foundation

/// The learned block model: gradient-boosted trees over `BlockFeatures`, trained by
/// `scripts/train_extract.py` (`make train-extract`) on the development sets and shipped as
/// generated source (`BlockModelParameters.swift`). A block is main text when the model's
/// probability is at least `keepThreshold`.
struct BlockModel: Sendable {
    let feature: [Int32]
    let left: [Int32]
    let right: [Int32]
    let threshold: [Double]
    let value: [Double]
    let roots: [Int32]

    /// The shipped model, decoded once.
    static let shipped: BlockModel = {
        guard let model = BlockModel(packed: packed, nodes: nodeCount, trees: treeCount) else {
            preconditionFailure("BlockModelParameters.swift does not decode: regenerate it with make train-extract")
        }
        precondition(trainedFeatureNames == BlockFeatures.names,
                     "BlockModelParameters.swift was trained on other features than BlockFeatures computes: run make train-extract")
        return model
    }()

    init?(packed: String, nodes: Int, trees: Int) {
        guard let data = Data(base64Encoded: packed.filter { !$0.isWhitespace }), data.count == nodes * (4 * 3 + 8 * 2) + trees * 4 else {
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
        feature = int32s(nodes)
        left = int32s(nodes)
        right = int32s(nodes)
        threshold = doubles(nodes)
        value = doubles(nodes)
        roots = int32s(trees)
    }

    /// The probability that the block with features `x` is main text.
    func probability(_ x: [Double]) -> Double {
        var raw = Self.baseline
        feature.withUnsafeBufferPointer { feature in
            threshold.withUnsafeBufferPointer { threshold in
                for root in roots {
                    var node = Int(root)
                    while feature[node] >= 0 {
                        node = Int(x[Int(feature[node])] <= threshold[node] ? left[node] : right[node])
                    }
                    raw += value[node]
                }
            }
        }
        return 1 / (1 + exp(-raw))
    }
}

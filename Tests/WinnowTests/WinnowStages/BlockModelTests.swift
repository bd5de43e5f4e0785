import Foundation
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

/// The shipped block model reads the features it was trained on and gives the training
/// library's probabilities (Fixtures/block-model-parity.jsonl, written by `make train-extract`).
final class BlockModelTests: XCTestCase {
    func testTreesGiveTheTrainingLibrarysProbabilities() throws {
        let url = TestPaths.root.appendingPathComponent("Tests/WinnowTests/Fixtures/block-model-parity.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 10)
        let model = BlockModel.shipped
        for line in lines {
            // Numbers read with Double(String), which rounds correctly (JSONSerialization on Linux
            // can go through Decimal and move a value across a tree's threshold).
            let numbers = line.split(whereSeparator: { "{}[]:, ".contains($0) }).compactMap { Double($0) }
            let features = Array(numbers.dropLast())
            let expected = try XCTUnwrap(numbers.last)
            XCTAssertEqual(features.count, BlockFeatures.names.count)
            let p = model.probabilities(BlockFeatures.FeatureMatrix(rows: 1, values: features))
            XCTAssertEqual(p[0], expected, accuracy: 1e-9)
        }
    }

    func testFeatureVectorsHaveOneValuePerName() throws {
        let html =
            "<html><body><nav>Menu</nav><article class=\"post-body\"><h1>Title</h1>"
            + (1...8).map { "<p>Paragraph \($0) of the article, long enough to be prose, with a comma, and a full stop.</p>" }.joined()
            + "</article><footer class=\"site-footer\"><a href=\"/\">Home</a></footer></body></html>"
        let page = Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: nil))
        let vectors = Extractor().featureVectors(page, url: "https://example.org/news/2024/a-story")
        XCTAssertEqual(vectors.rows, page.blocks.count)
        XCTAssertEqual(vectors.values.count, page.blocks.count * BlockFeatures.names.count)
        let families = BlockFeatures.tokenFamilies("message-threadstarterpost hidden-down-md")
        XCTAssertEqual(families & (1 << BlockFeatures.TokenFamily.allCases.firstIndex(of: .promo)!), 0, "\"ads\" is not a token of threadstarterpost")
        XCTAssertNotEqual(families & (1 << BlockFeatures.TokenFamily.allCases.firstIndex(of: .post)!), 0)
        XCTAssertNotEqual(families & (1 << BlockFeatures.TokenFamily.allCases.firstIndex(of: .hidden)!), 0)
    }

    func testModelKeepsTheArticleAndLeavesTheFurniture() throws {
        let html =
            "<html><body><header class=\"masthead\"><p>Subscribe to our newsletter today for the latest deals</p></header><article class=\"post-body\"><h1>Title</h1>"
            + (1...8).map { "<p>Paragraph \($0) of the article, long enough to be prose, with a comma, and a full stop.</p>" }.joined()
            + "</article><footer class=\"site-footer\"><p>Copyright 2024 Example Media. All rights reserved.</p></footer></body></html>"
        let page = Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: nil))
        let text = try Extractor().extract(page, url: "https://example.org/news/2024/a-story").text
        XCTAssertTrue(text.contains("Paragraph 1 of the article"), text)
        XCTAssertTrue(text.contains("Paragraph 8 of the article"), text)
        XCTAssertFalse(text.contains("Copyright"), text)
        XCTAssertFalse(text.contains("newsletter"), text)
    }
    /// A `<footer>` never gives main text under the model, even footnotes that read as prose;
    /// the blocks outside it keep the model's probabilities.
    func testFootersAreNotMainText() throws {
        let note = "Testing conducted in January using preproduction units and software, with results that may vary by use and settings."
        let html =
            "<html><body><main><h1>The Example Laptop</h1>"
            + (1...6).map { "<p>Feature \($0) of the laptop, told in a sentence long enough to be prose, with a comma, and a full stop.</p>" }
            .joined()
            + "</main><footer><section class=\"footnotes\">" + (1...4).map { "<p>\($0). \(note)</p>" }.joined()
            + "</section></footer></body></html>"
        let page = Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: nil))
        let vectors = Extractor().featureVectors(page, url: "https://example.org/laptop/")
        let raw = BlockModel.shipped.probabilities(vectors)
        let probabilities = BlockModel.withoutFooters(raw, vectors)
        for (index, block) in page.blocks.enumerated() {
            if block.text.contains("preproduction") {
                XCTAssertEqual(probabilities[index], 0, block.text)
            } else {
                XCTAssertEqual(probabilities[index], raw[index], block.text)
            }
        }
        let text = try Extractor().extract(page, url: "https://example.org/laptop/").text
        XCTAssertTrue(text.contains("Feature 1 of the laptop"), text)
        XCTAssertFalse(text.contains("preproduction"), text)
    }

    /// `BlockModel.keep` is the likeliest keep/leave-out run: a gap in kept text is kept, a lone
    /// likely block away from the run is not, a cost of 0 is the threshold; the random vector's
    /// answer is `scripts/train_extract.py`'s `kept_sequence` (which chose the costs) on it.
    func testKeepIsTheLikeliestRunOfBlocks() {
        XCTAssertEqual(BlockModel.keep([0.9, 0.9, 0.4, 0.9, 0.9], threshold: 0.5, cost: 1), [true, true, true, true, true])
        XCTAssertEqual(BlockModel.keep([0.9, 0.9, 0.4, 0.9, 0.9], threshold: 0.5, cost: 0), [true, true, false, true, true])
        XCTAssertEqual(
            BlockModel.keep([0.9, 0.9, 0.9, 0.1, 0.1, 0.6, 0.1], threshold: 0.5, cost: 1), [true, true, true, false, false, false, false])
        XCTAssertEqual(
            BlockModel.keep([0.1, 0.1, 0.6, 0.1, 0.1], threshold: 0.5, cost: 1), [false, false, true, false, false],
            "a run that keeps nothing falls back to the threshold")
        XCTAssertEqual(
            BlockModel.keep([0.5, 0.5], threshold: 0.5, cost: 1), [true, true],
            "ties end left out, and a run that keeps nothing is the threshold's blocks (p >= threshold)")
        XCTAssertEqual(BlockModel.keep([0.6], threshold: 0.5, cost: 1), [true])
        XCTAssertEqual(BlockModel.keep([], threshold: 0.5, cost: 1), [])
        let random = [
            0.324, 0.151, 0.651, 0.072, 0.536, 0.366, 0.058, 0.507, 0.037, 0.434, 0.07, 0.091,
            0.425, 0.827, 0.124, 0.223, 0.627, 0.948, 0.577, 0.397, 0.976, 0.047, 0.858, 0.29,
        ]
        let python = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1]
        XCTAssertEqual(BlockModel.keep(random, threshold: 0.35, cost: 0.7), python.map { $0 == 1 })
    }
}

import Foundation
import XCTest

@testable import WinnowStages

/// The shipped title and date models read the features they were trained on and give the training
/// library's scores (Fixtures/title-model-parity.jsonl and date-model-parity.jsonl, written by
/// `make train-title` and `make train-date`), and the title chooser makes one candidate of one
/// wording.
final class TitleModelTests: XCTestCase {
    func testTreesGiveTheTrainingLibrarysScores() throws {
        XCTAssertEqual(TitleModel.trainedFeatureNames, TitleChooser.featureNames)
        XCTAssertLessThan(TitleModel.highestFeature, TitleChooser.featureNames.count)
        try checkParity("title-model-parity.jsonl", features: TitleChooser.featureNames.count) { TitleModel.rawScore($0) }
    }

    func testDateTreesGiveTheTrainingLibrarysScores() throws {
        XCTAssertEqual(DateModel.trainedFeatureNames, DateChooser.featureNames)
        XCTAssertLessThan(DateModel.highestFeature, DateChooser.featureNames.count)
        try checkParity("date-model-parity.jsonl", features: DateChooser.featureNames.count) { DateModel.rawScore($0) }
    }

    /// Each line of the fixture: a feature vector and scikit-learn's raw score for it.
    private func checkParity(_ fixture: String, features count: Int, score: (UnsafePointer<Double>) -> Double) throws {
        let url = TestPaths.root.appendingPathComponent("Tests/WinnowTests/Fixtures/\(fixture)")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 10)
        for line in lines {
            // Double(String) rounds correctly, as in BlockModelTests.
            let numbers = line.split(whereSeparator: { "{}[]:, ".contains($0) }).compactMap { Double($0) }
            let features = Array(numbers.dropLast())
            let expected = try XCTUnwrap(numbers.last)
            XCTAssertEqual(features.count, count)
            XCTAssertEqual(features.withUnsafeBufferPointer { score($0.baseAddress!) }, expected, accuracy: 1e-9)
        }
    }

    func testOneCandidateForEachWordingWithItsSources() throws {
        let html = """
            <html><head><title>Trail Running Shoes | Example Outfitters</title>
            <meta property="og:site_name" content="Example Outfitters">
            <meta property="og:title" content="Trail running shoes"></head>
            <body><h1>Trail Running Shoes</h1><h1>Example Outfitters</h1><h1>Free shipping over $50</h1>
            <p>Shoes for rough ground, with grippy soles, rock plates, and cushioning for long days out.</p></body></html>
            """
        let page = Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: nil))
        let scored = Extractor().metadataCandidates(page, url: "https://example.org/shoes/trail-running").titles
        XCTAssertEqual(scored.map(\.text), ["Trail Running Shoes", "Free shipping over $50"], "the site's name is no candidate; one wording is one")
        let names = TitleChooser.featureNames
        let first = scored[0].features
        XCTAssertEqual(first.count, names.count)
        XCTAssertEqual(first[names.firstIndex(of: "sources")!], 3, "h1, og:title and <title> without the site's name")
        XCTAssertEqual(first[names.firstIndex(of: "slug_share_of_slug")!], 1, "trail-running: both words are the candidate's")
        XCTAssertEqual(scored[1].features[names.firstIndex(of: "from_title")!], 0)
        let title = try Extractor().extract(page, url: "https://example.org/shoes/trail-running").title
        XCTAssertEqual(title, "Trail Running Shoes")
    }
}

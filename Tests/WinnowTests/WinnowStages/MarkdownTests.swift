import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

final class MarkdownTests: XCTestCase {
    private let html = """
        <html><body><article class="article-body">
        <h1>Headline</h1>
        <p>First paragraph of the article, long enough to be prose, with a comma, and a full stop.</p>
        <h2>A section</h2>
        <p>Second paragraph of the article, also long enough to count as prose for the extractor.</p>
        <ul><li>One point made in a list</li><li>Another point<ul><li>A nested point</li></ul></li></ul>
        <ol><li>First step</li><li>Second step</li></ol>
        <blockquote><p>A quoted sentence from somebody important.</p></blockquote>
        <table><tr><th>Name</th><th>Value</th></tr><tr><td>a|b</td><td>1</td></tr></table>
        <pre>let x = 1
          let y = 2</pre>
        <figure><img src="x.jpg"><figcaption>A photograph of the scene. Credit: Somebody</figcaption></figure>
        <p>Closing paragraph of the article that is also long enough to count as real prose here.</p>
        </article></body></html>
        """

    private func extract(format: TextFormat, captions: Bool) throws -> String {
        var settings = ExtractSettings()
        settings.format = format
        settings.includeCaptions = captions
        // The rendering is under test: the rules' choice of blocks is fixed and documented (the
        // model's choice on such a synthetic page may differ, and is measured on real pages).
        settings.method = .rules
        let page = Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: nil))
        return try Extractor(settings: settings).extract(page, url: nil).text
    }

    func testMarkdownKeepsStructure() throws {
        let md = try extract(format: .markdown, captions: false)
        XCTAssertEqual(
            md,
            """
            First paragraph of the article, long enough to be prose, with a comma, and a full stop.

            ## A section

            Second paragraph of the article, also long enough to count as prose for the extractor.

            - One point made in a list
            - Another point
              - A nested point
            1. First step
            1. Second step

            > A quoted sentence from somebody important.

            | Name | Value |
            | --- | --- |
            | a\\|b | 1 |

            ```
            let x = 1
              let y = 2
            ```

            Closing paragraph of the article that is also long enough to count as real prose here.
            """)
    }

    func testCaptionsAreAnOption() throws {
        XCTAssertFalse(try extract(format: .text, captions: false).contains("photograph"))
        XCTAssertFalse(try extract(format: .markdown, captions: false).contains("photograph"))
        XCTAssertTrue(try extract(format: .markdown, captions: true).contains("*A photograph of the scene. Credit: Somebody*"))
    }

    func testPlainTextIsTheSameBlocks() throws {
        let text = try extract(format: .text, captions: false)
        XCTAssertTrue(text.hasPrefix("First paragraph"))
        XCTAssertTrue(text.contains("\nA section\n"))
        XCTAssertFalse(text.contains("#"))
    }
}

import WinnowPipelineFile
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

/// Pipeline files: settings read into the configuration, and broken files rejected with the
/// file, line and column of each mistake and the accepted values.
final class PipelineFileTests: XCTestCase {
    let minimal = "stages: [read, clean, segment, extract, write]\n"

    func problems(_ text: String) -> [String] {
        do {
            _ = try PipelineFile.parse(text, file: "p.yaml")
            return []
        } catch let error as PipelineFile.Invalid {
            return error.problems.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    func testMinimalPipelineTakesTheDefaults() throws {
        let file = try PipelineFile.parse(minimal, file: "p.yaml", defaultName: "p")
        XCTAssertEqual(file.name, "p")
        XCTAssertEqual(file.stages, [.read, .clean, .segment, .extract, .write])
        let defaults = PipelineConfig(inputs: [], output: "", added: "")
        XCTAssertEqual(file.config.write.shardBytes, defaults.write.shardBytes)
        XCTAssertEqual(file.config.clean.maxDepth, defaults.clean.maxDepth)
        // Stages left out do not run.
        XCTAssertNil(file.config.language)
        XCTAssertNil(file.config.quality)
        XCTAssertFalse(file.config.dedup.enabled)
    }

    func testSettingsReachTheConfiguration() throws {
        let file = try PipelineFile.parse(
            """
            name: custom
            inputs: [a, b]
            output: {directory: out, shard_size_mib: 0.5, compression_level: 9, format: markdown}
            jobs: 3
            stages:
              - read: {max_document_size_mib: 4}
              - clean: {max_depth: 100, max_parse_seconds: 2.5}
              - segment
              - extract: {captions: true}
              - language: {mode: filter, languages: [en, de], min_score: 0.5}
              - quality:
                  groups: [gopher_quality]
                  rules:
                    gopher_word_count: {min: 10, mode: annotate}
                    gopher_stop_words: off
                    c4_lorem_ipsum: filter
              - dedup: {near: false, index: idx, boilerplate_paragraphs: 3}
              - write
            """, file: "p.yaml")
        let c = file.config
        XCTAssertEqual(file.name, "custom")
        XCTAssertEqual(c.inputs, ["a", "b"])
        XCTAssertEqual(c.output, "out")
        XCTAssertEqual(c.write.shardBytes, 512 * 1024)
        XCTAssertEqual(c.write.compressionLevel, 9)
        XCTAssertEqual(c.extract.format, .markdown)
        XCTAssertTrue(c.extract.includeCaptions)
        XCTAssertEqual(file.jobs, 3)
        XCTAssertEqual(c.read.maxDocumentBytes, 4 * 1024 * 1024)
        XCTAssertEqual(c.clean.maxDepth, 100)
        XCTAssertEqual(c.clean.maxParseSeconds, 2.5)
        XCTAssertEqual(c.language?.mode, .filter)
        XCTAssertEqual(c.language?.languages, ["en", "de"])
        XCTAssertEqual(c.language?.minScore, 0.5)
        let rules = c.quality?.rules ?? []
        XCTAssertEqual(
            rules.map(\.rule.name),
            [
                "gopher_word_count", "gopher_mean_word_length", "gopher_symbol_ratio", "gopher_bullet_lines",
                "gopher_ellipsis_lines", "gopher_alpha_words", "c4_lorem_ipsum",
            ])
        XCTAssertEqual(rules[0].mode, .annotate)
        XCTAssertEqual(rules[0].parameters, ["min": 10, "max": 100_000])
        XCTAssertTrue(c.dedup.enabled)
        XCTAssertFalse(c.dedup.near)
        XCTAssertEqual(c.dedup.indexDirectory, "idx")
        XCTAssertEqual(c.dedup.boilerplateParagraphs, 3)
    }

    /// Broken files and the messages they get.
    func testBrokenFilesAreRejectedWithTheirLines() {
        let cases: [(String, [String])] = [
            ("", ["p.yaml:1:1: the file is empty"]),
            ("stages: [read, clean\n", ["p.yaml:2:1: YAML syntax"]),
            ("name: x\n", ["p.yaml:1:1: the pipeline has no `stages`"]),
            (
                "nmae: x\n" + minimal,
                ["p.yaml:1:1: unknown key \"nmae\" in the pipeline; accepted: name, description, inputs, input_list, input_prefix, output, jobs"]
            ),
            ("jobs: many\n" + minimal, ["p.yaml:1:7: jobs: expected a whole number from 0 to 1024, got \"many\""]),
            ("jobs: 5000\n" + minimal, ["p.yaml:1:7: jobs: 5000 is out of range; accepted: 0 to 1024"]),
            ("output: {format: html}\n" + minimal, ["p.yaml:1:18: output.format: \"html\" is not accepted; accepted: text, markdown"]),
            ("output: {compression_level: 0}\n" + minimal, ["p.yaml:1:29: output.compression_level: 0 is out of range; accepted: 1 to 9"]),
            ("output: [a]\n" + minimal, ["p.yaml:1:9: output: expected a mapping of settings, got a list"]),
            (
                "stages: [read, clean, segment, extract, translate, write]\n",
                [
                    "p.yaml:1:41: unknown stage \"translate\"; accepted: read, url_filter, clean, segment, extract, language, quality, dedup, pii, write"
                ]
            ),
            ("stages: [read, clean, segment, extract, write, dedup]\n", ["p.yaml:1:48: stage dedup must come before write"]),
            ("stages: [read, clean, segment, segment, extract, write]\n", ["p.yaml:1:32: stage segment is listed twice"]),
            ("stages: [read, segment, extract, write]\n", ["p.yaml:1:9: stages: clean is missing"]),
            (
                "stages: [read, clean, segment, extract, {language: {mode: drop}}, write]\n",
                ["p.yaml:1:59: language.mode: \"drop\" is not accepted; accepted: filter, annotate"]
            ),
            (
                "stages: [read, clean, segment, extract, {quality: {groups: [gopher]}}, write]\n",
                [
                    "p.yaml:1:60: quality.groups: \"gopher\" is not a rule group; accepted: gopher_quality, gopher_repetition, c4, fineweb",
                    "p.yaml:1:51: stage quality runs no rule",
                ]
            ),
            (
                "stages: [read, clean, segment, extract, {quality: {rules: {c4_policy: {max: 2}}}}, write]\n",
                ["p.yaml:1:72: unknown key \"max\" in quality.rules.c4_policy; accepted: mode"]
            ),
            (
                "stages: [read, clean, segment, extract, {dedup: {threshold: 1.5}}, write]\n",
                ["p.yaml:1:61: dedup.threshold: 1.5 is out of range; accepted: more than 0 to 1"]
            ),
            (
                "stages: [read, clean, segment, extract, {dedup: {explain: yes please}}, write]\n",
                ["p.yaml:1:59: dedup.explain: expected true or false, got \"yes please\""]
            ),
        ]
        for (text, expected) in cases {
            let got = problems(text)
            XCTAssertEqual(got.count, expected.count, "\(text): \(got)")
            for e in expected {
                XCTAssertTrue(got.contains { $0.hasPrefix(e) }, "\(text)\nexpected: \(e)\ngot: \(got)")
            }
        }
    }
}

import Foundation
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

/// Near-duplicate detection on copies made the ways the benchmark's dedup corpus generator makes them, the keeper
/// rule, and the cross-run index.
final class DedupTests: XCTestCase {
    private func articles() throws -> [[String]] {
        try benchmarkTruth().values.map { $0.text.components(separatedBy: "\n").filter { $0.count > 40 } }
            .filter { $0.count >= 8 }.sorted { $0[0] < $1[0] }
    }

    private func signature(_ text: String, _ hasher: MinHasher) -> ([UInt32], [UInt32]) {
        var sig: [UInt32] = []
        var shingles: [UInt32] = []
        hasher.signature(text, into: &sig, shingles: &shingles)
        return (sig, shingles)
    }

    /// Deterministic pseudo-random numbers for the variants.
    private struct Rng {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
    }

    private func variants(of paragraphs: [String], rng: inout Rng) -> [(kind: String, text: String)] {
        let text = paragraphs.joined(separator: "\n")
        let boilerplate = [
            "Share this article", "Advertisement", "Follow us on Twitter and Facebook", "Copyright © 2019 Daily Wire. All rights reserved.",
        ]
        var words = text.components(separatedBy: " ")
        for _ in 0..<max(1, words.count / 60) {
            let i = rng.next(words.count)
            var w = Array(words[i])
            if w.count >= 4 {
                let j = rng.next(w.count - 1)
                w.swapAt(j, j + 1)
            }
            words[i] = String(w)
        }
        var edited = words.joined(separator: " ").components(separatedBy: "\n")
        edited.remove(at: 1 + rng.next(edited.count - 2))
        let retyped = text.replacingOccurrences(of: "\u{201C}", with: "\"").replacingOccurrences(of: "\u{201D}", with: "\"")
            .replacingOccurrences(of: "\u{2019}", with: "'").decomposedStringWithCanonicalMapping
        let keep = Int(Double(paragraphs.count) * 0.75)
        return [
            ("exact", text),
            ("syndicated", ([boilerplate[0], boilerplate[1]] + paragraphs + [boilerplate[2], boilerplate[3]]).joined(separator: "\n")),
            ("edited", edited.joined(separator: "\n")),
            ("retyped", retyped),
            ("truncated", paragraphs.prefix(keep).joined(separator: "\n")),
            ("mixed", ([boilerplate[1]] + edited + [boilerplate[3]]).joined(separator: "\n")),
        ]
    }

    func testEveryKindOfCopyIsFoundAndDistinctStoriesAreKept() throws {
        let pool = try articles()
        XCTAssertGreaterThan(pool.count, 20)
        let index = NearDuplicateIndex(settings: NearDedupSettings(), keepIDs: true)
        var rng = Rng(state: 42)
        var found: [String: Int] = [:]
        var total: [String: Int] = [:]
        var distinctKept = 0
        var distinct = 0
        for (n, article) in pool.prefix(30).enumerated() {
            // A distinct story: paragraphs of three different articles.
            let other1 = pool[(n + 7) % pool.count]
            let other2 = pool[(n + 13) % pool.count]
            let story = Array(article.prefix(4) + other1.suffix(3) + other2.prefix(2))
            let (sig, sh) = signature(story.joined(separator: "\n"), index.hasher)
            distinct += 1
            if case .unique = index.check(signature: sig, shingles: sh, id: "story-\(n)") { distinctKept += 1 }
            for (kind, text) in variants(of: story, rng: &rng) {
                let (s, h) = signature(text, index.hasher)
                total[kind, default: 0] += 1
                if case .duplicate(let keeper, _) = index.check(signature: s, shingles: h, id: "\(kind)-\(n)") {
                    found[kind, default: 0] += 1
                    XCTAssertEqual(index.id(keeper), "story-\(n)", "\(kind) copy of story \(n): the keeper is the first document")
                }
            }
        }
        XCTAssertEqual(distinctKept, distinct, "distinct stories are all kept")
        for kind in ["exact", "syndicated", "edited", "retyped", "truncated", "mixed"] {
            XCTAssertEqual(found[kind], total[kind], "every \(kind) copy is found")
        }
    }

    func testKeeperIsTheFirstOfTheGroup() throws {
        let pool = try articles()
        let a = pool[0].prefix(8).joined(separator: "\n")
        let b = pool[0].prefix(7).joined(separator: "\n") // contained in a
        let c = (pool[0].prefix(7) + ["An extra closing paragraph that is only in this copy, long enough to matter."]).joined(separator: "\n")
        let index = NearDuplicateIndex(settings: NearDedupSettings(), keepIDs: true)
        for (id, text) in [("a", a), ("b", b), ("c", c)] {
            let (s, h) = signature(text, index.hasher)
            let verdict = index.check(signature: s, shingles: h, id: id)
            if id == "a" {
                XCTAssertEqual(verdict, .unique)
            } else {
                XCTAssertEqual(verdict, .duplicate(keeper: 0, earlierRun: false), id)
            }
        }
        XCTAssertEqual(index.keptThisRun, [0])
    }

    private func corpus(_ dir: TemporaryDirectory, _ name: String, _ docs: [(String, String)]) throws -> String {
        var lines = ""
        for (id, text) in docs {
            let data = try JSONSerialization.data(withJSONObject: ["id": id, "text": text])
            lines += String(decoding: data, as: UTF8.self) + "\n"
        }
        return try dir.write(name, Array(lines.utf8))
    }

    func testPipelineReasonsExplainAndCrossRunIndex() throws {
        let pool = try articles()
        let dir = try TemporaryDirectory()
        let story = { (i: Int) in pool[i].prefix(8).joined(separator: "\n") }
        let day1 = try corpus(
            dir, "day1.jsonl",
            [
                ("d1-a", story(0)), ("d1-b", story(1)), ("d1-a-copy", story(0)),
                ("d1-b-short", pool[1].prefix(7).joined(separator: "\n")),
            ])
        let day2 = try corpus(dir, "day2.jsonl", [("d2-new", story(2)), ("d2-a-again", pool[0].prefix(7).joined(separator: "\n"))])
        let index = dir.path("index")
        let s1 = try runPipeline(inputs: [day1], output: dir.path("out1")) {
            $0.dedup.indexDirectory = index
            $0.dedup.explain = true
        }
        XCTAssertEqual(s1.stats[.dedup].dropped[.exactDuplicate], 1)
        XCTAssertEqual(s1.stats[.dedup].dropped[.nearDuplicate], 1)
        XCTAssertEqual(try readShards(dir.path("out1")).compactMap { $0["id"] as? String }, ["d1-a", "d1-b"])
        let explained = try readShards(dir.path("out1"), prefix: "explain")
        XCTAssertEqual(explained.compactMap { $0["keeper"] as? String }, ["d1-a", "d1-b"])
        XCTAssertEqual(explained.compactMap { $0["reason"] as? String }, ["exact_duplicate", "near_duplicate"])

        let s2 = try runPipeline(inputs: [day2], output: dir.path("out2")) { $0.dedup.indexDirectory = index }
        XCTAssertEqual(s2.indexDocumentsBefore, 2, "day 1's kept documents are remembered, not its duplicates")
        XCTAssertEqual(s2.stats[.dedup].dropped[.seenInEarlierRun], 1)
        XCTAssertEqual(try readShards(dir.path("out2")).compactMap { $0["id"] as? String }, ["d2-new"])
        XCTAssertEqual(s2.indexDocumentsAfter, 3)
        // A run of duplicates only adds nothing.
        let s3 = try runPipeline(inputs: [day2], output: dir.path("out3")) { $0.dedup.indexDirectory = index }
        XCTAssertEqual(s3.stats[.write].documentsOut, 0)
        XCTAssertEqual(s3.indexDocumentsAfter, 3)
        // Compacted between runs: the next run into out1 finds its segment merged away and goes on
        // (it listed the segment again in the manifest, and failed to load it, before).
        _ = try DedupIndex(directory: index, settings: NearDedupSettings()).compact()
        let s4 = try runPipeline(inputs: [day1], output: dir.path("out1")) { $0.dedup.indexDirectory = index }
        XCTAssertEqual(s4.indexDocumentsBefore, 3)
        XCTAssertEqual(try DedupIndex(directory: index, settings: NearDedupSettings()).segments().count, 1)
        // The index is one run's at a time: a run finding it held does nothing.
        let holder = try OutputLock(directory: index)
        XCTAssertThrowsError(try runPipeline(inputs: [day2], output: dir.path("out4")) { $0.dedup.indexDirectory = index }) { error in
            guard case OutputLock.LockError.held = error else { return XCTFail("\(error)") }
        }
        withExtendedLifetime(holder) {}
    }

    /// `compact` keeps a document only when none before it is its near-duplicate (indexes written
    /// before they held kept documents only).
    func testCompactDropsTheDuplicatesAnIndexHolds() throws {
        let dir = try TemporaryDirectory()
        let settings = NearDedupSettings()
        let index = DedupIndex(directory: dir.path("idx"), settings: settings)
        let hasher = MinHasher(settings: settings)
        let pool = try articles()
        let (a, ha) = signature(pool[0].prefix(8).joined(separator: "\n"), hasher)
        let (b, hb) = signature(pool[1].prefix(8).joined(separator: "\n"), hasher)
        let (c, hc) = signature(pool[0].prefix(7).joined(separator: "\n"), hasher)
        try index.append([(a[...], ha[...], "a"), (b[...], hb[...], "b"), (c[...], hc[...], "a-shorter")])
        try index.append([(a[...], ha[...], "a-again")])
        let (documents, _) = try index.compact()
        XCTAssertEqual(documents, 2)
        let loaded = NearDuplicateIndex(settings: settings, keepIDs: true)
        XCTAssertEqual(try index.load(into: loaded), 2)
        XCTAssertEqual([loaded.id(0), loaded.id(1)], ["a", "b"])
    }

    func testInterruptedIndexWriteLeavesTheIndexAsBefore() throws {
        let dir = try TemporaryDirectory()
        let settings = NearDedupSettings()
        let index = DedupIndex(directory: dir.path("idx"), settings: settings)
        let hasher = MinHasher(settings: settings)
        let (s, h) = signature("A first document with enough words to make several shingles for the index.", hasher)
        try index.append([(s[...], h[...], "one")])
        // A run killed while writing its segment leaves a temporary file and an unlisted segment.
        try dir.write("idx/segment-000002.wdx.tmp", [1, 2, 3])
        try dir.write("idx/segment-000002.wdx", Array("garbage".utf8))
        try dir.write("idx/manifest.json.tmp", Array("{".utf8))
        let loaded = NearDuplicateIndex(settings: settings, keepIDs: true)
        XCTAssertEqual(try index.load(into: loaded), 1)
        XCTAssertEqual(loaded.id(0), "one")
        // The next run writes over the strays and lists only complete segments.
        try index.append([(s[...], h[...], "two")])
        XCTAssertEqual(try index.segments(), ["segment-000001.wdx", "segment-000002.wdx"])
        let again = NearDuplicateIndex(settings: settings, keepIDs: true)
        XCTAssertEqual(try index.load(into: again), 2)
        // Compaction keeps every document in one segment, once: "two" is "one" again.
        let (documents, _) = try index.compact()
        XCTAssertEqual(documents, 1)
        XCTAssertEqual(try index.segments().count, 1)
        // Other settings are refused with a clear error.
        var other = settings
        other.shingleSize = 3
        XCTAssertThrowsError(try DedupIndex(directory: dir.path("idx"), settings: other).segments())
    }

    func testPhasesKeepWhatTheSinglePassKeeps() throws {
        let pool = try articles()
        let dir = try TemporaryDirectory()
        var rng = Rng(state: 7)
        var files: [String] = []
        for f in 0..<3 {
            var docs: [(String, String)] = []
            for n in (f * 8)..<(f * 8 + 8) {
                let story = Array(pool[n % pool.count].prefix(5) + pool[(n + 11) % pool.count].suffix(3))
                docs.append(("f\(f)-story-\(n)", story.joined(separator: "\n")))
                for (kind, text) in variants(of: story, rng: &rng) where rng.next(2) == 0 {
                    docs.append(("f\(f)-\(kind)-\(n)", text))
                }
                // A copy of a story from another file, to make groups span files.
                if n > 8 {
                    docs.append(
                        (
                            "f\(f)-copy-of-\(n - 8)",
                            pool[(n - 8) % pool.count].prefix(5).joined(separator: "\n") + "\n"
                                + pool[(n - 8 + 11) % pool.count].suffix(3).joined(separator: "\n")
                        ))
                }
            }
            files.append(try corpus(dir, "in/part-\(f).jsonl", docs))
        }
        let input = dir.path("in")
        _ = try runPipeline(inputs: [input], output: dir.path("single"))
        let single = Set(try readShards(dir.path("single")).compactMap { $0["id"] as? String })

        let phases = DedupPhases(settings: DedupSettings(), work: dir.path("work"))
        try phases.signatures(inputs: [InputRoot(input)], shard: .init(index: 0, count: 2), buckets: 3)
        // A phase refuses to start while a task of the phase before has not finished.
        XCTAssertThrowsError(try phases.buckets(shard: .init(index: 0, count: 3))) { error in
            XCTAssertTrue("\(error)".contains("1 of 2 signatures tasks have not finished"), "\(error)")
        }
        try phases.signatures(inputs: [InputRoot(input)], shard: .init(index: 1, count: 2), buckets: 3)
        XCTAssertEqual(
            try phases.signatures(inputs: [InputRoot(input)], shard: .init(index: 1, count: 2), buckets: 3), 0, "a finished task does nothing")
        for j in 0..<3 { try phases.buckets(shard: .init(index: j, count: 3)) }
        let verdicts = try phases.clusters()
        try phases.filter(inputs: [InputRoot(input)], output: dir.path("phased"), shard: .init(index: 0, count: 2), added: "2024-01-01T00:00:00Z")
        XCTAssertThrowsError(try phases.merge(output: dir.path("phased"), added: "2024-01-01T00:00:00Z"))
        // What a killed filter task leaves is replaced when it runs again.
        try dir.write("phased/documents/shard-00001-00000.jsonl.gz", Array("partial".utf8))
        try phases.filter(inputs: [InputRoot(input)], output: dir.path("phased"), shard: .init(index: 1, count: 2), added: "2024-01-01T00:00:00Z")
        let merged = try phases.merge(output: dir.path("phased"), added: "2024-01-01T00:00:00Z")
        let phased = try readShards(dir.path("phased")).compactMap { $0["id"] as? String }
        XCTAssertGreaterThan(verdicts.dropped, 10)
        XCTAssertGreaterThan(single.count, 20)
        XCTAssertEqual(Set(phased), single)
        XCTAssertEqual(phased.count, single.count, "no document twice")
        XCTAssertEqual(merged.documentsWritten, single.count)
        XCTAssertEqual(phases.status().map(\.done), [2, 3, 1, 2, 1])
    }

    func testRadixSortSorts() {
        var rng = Rng(state: 3)
        for n in [0, 1, 63, 64, 65, 1000, 4097] {
            var values = (0..<n).map { _ in UInt32(truncatingIfNeeded: rng.next(Int(UInt32.max))) }
            let expected = values.sorted()
            MinHasher.radixSort(&values)
            XCTAssertEqual(values, expected, "\(n) values")
        }
    }

    func testRepeatedParagraphsAreRemovedAfterThreshold() throws {
        var filter = ParagraphBoilerplate(threshold: 2)
        let footer = "Copyright 2024 Example News. All rights reserved."
        let texts = (0..<4).map { "Story number \($0) has its own words.\n\(footer)\n\(footer)" }
        let results = texts.map { filter.filter($0) }
        XCTAssertEqual(results.map(\.removed), [0, 0, 2, 2], "the first two documents keep the footer")
        XCTAssertEqual(results[3].text, "Story number 3 has its own words.")
        let pool = try articles()
        let dir = try TemporaryDirectory()
        let docs = (0..<5).map { ("doc-\($0)", pool[$0].prefix(6).joined(separator: "\n") + "\n" + footer) }
        let input = try corpus(
            dir, "in.jsonl",
            docs + [("only-footer", footer + "\nSubscribe to our newsletter")] + [("footer-again", "Subscribe to our newsletter\n" + footer)])
        let summary = try runPipeline(inputs: [input], output: dir.path("out")) { $0.dedup.boilerplateParagraphs = 3 }
        let texts2 = try readShards(dir.path("out")).compactMap { $0["text"] as? String }
        XCTAssertEqual(texts2.filter { $0.contains(footer) }.count, 3)
        XCTAssertEqual(summary.stats[.dedup].dropped[.boilerplateOnly] ?? 0, 0)
    }
}

/// The shingler's NFKC path folds case scalar by scalar from a table; it must give the words that
/// NFKC, then `String.lowercased()`, then Unicode properties give.
final class ShinglerCaseFoldingTests: XCTestCase {
    private func reference(_ text: String) -> [UInt64] {
        var out: [UInt64] = []
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var inWord = false
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            let p = scalar.properties
            let isWord = p.isAlphabetic || p.numericType != nil
            if isWord && p.generalCategory != .nonspacingMark {
                h = (h ^ UInt64(scalar.value)) &* 0x100_0000_01b3
                inWord = true
            } else if !isWord {
                if inWord {
                    out.append(Shingler.word(h))
                    h = 0xcbf2_9ce4_8422_2325
                    inWord = false
                }
                if scalar == "\n" && out.last != Shingler.paragraphBreak { out.append(Shingler.paragraphBreak) }
            }
        }
        if inWord { out.append(Shingler.word(h)) }
        return out
    }

    func testFoldsLikeLowercasedAfterNFKC() {
        let texts = [
            "ＦＵＬＬ-width ＡＢＣ and ﬁne ligatures", // compatibility forms
            "İSTANBUL'da ΣΟΦΙΑΣ ǅemal ẞ straße\nsecond line ①②", // multi-scalar and title case
            "Cafe\u{0301} re\u{0301}sume\u{0301} NAI\u{0308}VE", // combining marks
            "東京ＴＯＷＥＲは高さ３３３ｍ。한국어 가 텍스트", // CJK, Hangul jamo
            "हिन्दी पाठ और English WORDS", // spacing marks
            "Emoji 𝐀𝐁𝐂 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 done", // beyond the BMP
        ]
        let shingler = Shingler(size: 3)
        for text in texts {
            XCTAssertEqual(shingler.wordHashes(text), reference(text), text)
            XCTAssertEqual(Array(FastCase.lowercased(text).unicodeScalars), Array(text.lowercased().unicodeScalars), text)
        }
        XCTAssertEqual(FastCase.lowercased("ASCII Only"), "ascii only")
    }
}

import Foundation
import WinnowCompression
import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

final class PipelineTests: XCTestCase {
    private var inputs: [String] {
        [TestPaths.sampleCorpus.path, TestPaths.warcSamples.appendingPathComponent("wget-dev-a.warc.gz").path]
    }

    func testShardsAreByteIdenticalForAnyJobCount() throws {
        let dir = try TemporaryDirectory()
        _ = try runPipeline(inputs: inputs, output: dir.path("one"), jobs: 1)
        _ = try runPipeline(inputs: inputs, output: dir.path("two"), jobs: 2)
        _ = try runPipeline(inputs: inputs, output: dir.path("five"), jobs: 5)
        let one = try shardBytes(dir.path("one"))
        XCTAssertFalse(one.isEmpty)
        XCTAssertEqual(one, try shardBytes(dir.path("two")))
        XCTAssertEqual(one, try shardBytes(dir.path("five")))
    }

    func testRecordsInInputOrderWithSchemaFields() throws {
        let dir = try TemporaryDirectory()
        let summary = try runPipeline(inputs: [TestPaths.sampleCorpus.path], output: dir.path("out"))
        let records = try readShards(dir.path("out"))
        XCTAssertEqual(records.count, summary.documentsWritten)
        let inputs = records.compactMap { ($0["metadata"] as? [String: Any])?["input"] as? String }
        XCTAssertEqual(inputs.count, records.count)
        // Input order: files in byte order of their relative paths.
        var order: [String] = []
        for i in inputs where order.last != i { order.append(i) }
        XCTAssertEqual(order, order.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        XCTAssertTrue(inputs.contains("warc/wget-small.warc"))
        for r in records {
            XCTAssertNotNil(r["id"] as? String)
            XCTAssertEqual(r["added"] as? String, "2024-01-01T00:00:00Z")
            XCTAssertFalse((r["text"] as? String ?? "").isEmpty)
        }
        // The duplicate NDJSON document is dropped; its first copy is kept.
        let ids = records.compactMap { $0["id"] as? String }
        XCTAssertFalse(ids.contains("sample-dup"))
        XCTAssertEqual(summary.stats[.dedup].dropped[.exactDuplicate].map { $0 >= 1 }, true)
        XCTAssertFalse(summary.hadInputErrors)
    }

    func testStageByStageGivesTheSameResultAsOneRun() throws {
        try assertStageByStageEqualsOneRun([TestPaths.sampleCorpus.appendingPathComponent("warc").path])
    }

    /// On real pages of every kind the sample corpus lacks: re-cleaning a cleaned page (as clean
    /// records were read back) removed more than the first pass on 248 of the 1,358 WCXB pages,
    /// and the serializer dropped text libxml2 nests in `<wbr>`. Every 10th page, as HTML files.
    func testStageByStageOnVariedPages() throws {
        let pages = try TestPaths.sharedOrSkip("bench/extraction-wcxb/pages")
        let dir = try TemporaryDirectory()
        let names = try FileManager.default.contentsOfDirectory(atPath: pages.path).filter { $0.hasSuffix(".html.gz") }.sorted()
        try FileManager.default.createDirectory(atPath: dir.path("pages"), withIntermediateDirectories: true)
        for name in stride(from: 0, to: names.count, by: 10).map({ names[$0] }) {
            try FileManager.default.copyItem(atPath: pages.path + "/" + name, toPath: dir.path("pages/" + name))
        }
        try assertStageByStageEqualsOneRun([dir.path("pages")], minimum: 100)
    }

    func testSerializerKeepsTextLibxml2NestsInVoidElements() throws {
        let html = "<html><body><p>Write to <a href=\"mailto:help@example.org\">help<wbr>@example.org</a> today.</p></body></html>"
        let page = try Cleaner(settings: CleanSettings()).clean(Array(html.utf8), contentType: nil)
        let out = String(decoding: HTMLSerializer.serialize(page), as: UTF8.self)
        XCTAssertTrue(out.contains("help<wbr>@example.org"), out)
    }

    private func assertStageByStageEqualsOneRun(_ input: [String], minimum: Int = 20) throws {
        let dir = try TemporaryDirectory()
        _ = try runPipeline(inputs: input, output: dir.path("direct"), lastStage: .extract)
        _ = try runPipeline(inputs: input, output: dir.path("read"), lastStage: .read)
        _ = try runPipeline(inputs: [dir.path("read")], output: dir.path("clean"), lastStage: .clean)
        _ = try runPipeline(inputs: [dir.path("clean")], output: dir.path("segment"), lastStage: .segment)
        _ = try runPipeline(inputs: [dir.path("segment")], output: dir.path("extract"), lastStage: .extract)
        let direct = try readShards(dir.path("direct"), prefix: "extract")
        let chained = try readShards(dir.path("extract"), prefix: "extract")
        XCTAssertEqual(direct.count, chained.count)
        XCTAssertGreaterThan(direct.count, minimum)
        // The documents that differ, by id and what differs in them.
        let differing = zip(direct, chained).compactMap { a, b -> String? in
            let id = a["id"] as? String ?? "?"
            if id != b["id"] as? String { return id + ": id" }
            if a["text"] as? String != b["text"] as? String { return id + ": text" }
            let same = NSDictionary(dictionary: a["metadata"] as? [String: Any] ?? [:])
                .isEqual(to: b["metadata"] as? [String: Any] ?? [:])
            return same ? nil : id + ": metadata"
        }
        XCTAssertEqual(differing, [], "\(differing.count) of \(direct.count) documents differ")
        // Intermediate shards carry their stage.
        let read = try readShards(dir.path("read"), prefix: "read")
        XCTAssertEqual((read.first?["winnow"] as? [String: Any])?["stage"] as? String, "read")
    }

    /// Every document read is either written or, with --keep-dropped, in a dropped shard with
    /// its reason; the profile and the dropped shards do not depend on the thread count.
    func testKeepDroppedAccountsForEveryDocument() throws {
        let dir = try TemporaryDirectory()
        var summaries: [RunSummary] = []
        for jobs in [1, 3] {
            summaries.append(
                try runPipeline(inputs: [TestPaths.sampleCorpus.path], output: dir.path("out\(jobs)"), jobs: jobs) { c in
                    c.keepDroppedDirectory = dir.path("out\(jobs)/dropped")
                    c.language?.mode = .filter
                    c.language?.languages = ["en"]
                    c.quality = QualitySettings.groups([.gopherQuality])
                })
        }
        let kept = try readShards(dir.path("out1"))
        let dropped = try readShards(dir.path("out1/dropped"), prefix: "dropped")
        let summary = summaries[0]
        XCTAssertEqual(kept.count + dropped.count, summary.stats[.read].documentsIn)
        var reasons: [String: Int] = [:]
        for record in dropped {
            let metadata = try XCTUnwrap(record["metadata"] as? [String: Any])
            reasons[try XCTUnwrap(metadata["drop_reason"] as? String), default: 0] += 1
            XCTAssertNotNil(metadata["drop_stage"] as? String)
        }
        let counted = summary.stats.stages.values.reduce(into: [String: Int]()) { acc, s in
            for (reason, n) in s.dropped { acc[reason.rawValue, default: 0] += n }
        }
        XCTAssertEqual(reasons, counted)
        XCTAssertGreaterThan(reasons["language_not_kept"] ?? 0, 0)
        // Text as far as the document got: duplicates and filtered documents keep theirs.
        for record in dropped where (record["metadata"] as? [String: Any])?["drop_stage"] as? String == "dedup" {
            XCTAssertFalse((record["text"] as? String ?? "").isEmpty)
        }
        XCTAssertEqual(try shardBytes(dir.path("out1/dropped")), try shardBytes(dir.path("out3/dropped")))
        XCTAssertEqual(summaries[0].profile.languages, summaries[1].profile.languages)
        XCTAssertEqual(summaries[0].profile.clusterSizes, summaries[1].profile.clusterSizes)
        XCTAssertEqual(summaries[0].profile.samples.mapValues { $0.map(\.id) }, summaries[1].profile.samples.mapValues { $0.map(\.id) })
    }

    /// A file that cannot be read is not finished: the next run tries it again (before, an input
    /// unreadable once was called unchanged ever after). `/proc/self/mem` opens and then fails to
    /// read (EIO), even for root, whose permissions chmod cannot take away.
    func testAFileThatCouldNotBeReadIsTriedAgain() throws {
        #if os(Linux)
            let dir = try TemporaryDirectory()
            let page = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: TestPaths.sampleCorpus.path + "/pages").sorted().first)
            try FileManager.default.createDirectory(atPath: dir.path("in"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: TestPaths.sampleCorpus.path + "/pages/" + page, toPath: dir.path("in/" + page))
            try FileManager.default.createSymbolicLink(atPath: dir.path("in/broken.html"), withDestinationPath: "/proc/self/mem")
            let first = try runPipeline(inputs: [dir.path("in")], output: dir.path("out"))
            XCTAssertEqual(first.stats[.read].dropped[.readError], 1)
            let second = try runPipeline(inputs: [dir.path("in")], output: dir.path("out"))
            XCTAssertEqual(second.unchangedInputs, 1, "the page that was read is finished")
            XCTAssertEqual(second.files, 1, "the file that failed is read again")
            XCTAssertEqual(second.stats[.read].dropped[.readError], 1)
        #endif
    }

    /// Complete shards wait under a hidden name until the commit: a run killed after its state was
    /// saved and before the renames has them renamed by the next run; an uncommitted run's are removed.
    func testShardsGetTheirFinalNamesOnlyWithTheCommit() throws {
        let dir = try TemporaryDirectory()
        try dir.write(".shard-000001-00000.jsonl.gz.pending", [1])
        try dir.write(".shard-000002-00000.jsonl.gz.pending", [2])
        var state = RunState()
        state.runs = [RunState.Run(number: 1, files: ["shard-000001-00000.jsonl.gz"], indexSegment: nil, finished: "2024-01-01T00:00:00Z")]
        let removed = state.removeUncommitted(in: dir.url.path, prefixes: ["shard"])
        XCTAssertEqual(removed, [".shard-000002-00000.jsonl.gz.pending"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), ["shard-000001-00000.jsonl.gz"])
    }

    /// A run killed after the commit that replaced earlier shards (a changed input's documents
    /// taken out) and before the renames: the next run finishes them; a replacement no committed
    /// run names is removed.
    func testReplacedShardsAreRenamedByTheNextRun() throws {
        let dir = try TemporaryDirectory()
        try dir.write("documents/shard-000001-00000.jsonl.gz", [1])
        try dir.write("documents/.shard-000001-00000.jsonl.gz.replacement", [2])
        try dir.write("documents/shard-000002-00000.jsonl.gz", [3])
        try dir.write("documents/.shard-000002-00000.jsonl.gz.replacement", [4])
        var state = RunState()
        state.runs = [1, 2].map {
            RunState.Run(number: $0, files: ["documents/shard-00000\($0)-00000.jsonl.gz"], indexSegment: nil, finished: "2024-01-01T00:00:00Z")
        }
        state.replacing = RunState.Replacing(shards: ["documents/shard-000001-00000.jsonl.gz"])
        XCTAssertEqual(state.removeUncommitted(in: dir.url.path, prefixes: ["shard"]), ["documents/.shard-000002-00000.jsonl.gz.replacement"])
        XCTAssertEqual(try FileByteSource.readAll(path: dir.path("documents/shard-000001-00000.jsonl.gz"), limit: 8), [2])
        XCTAssertEqual(try FileByteSource.readAll(path: dir.path("documents/shard-000002-00000.jsonl.gz"), limit: 8), [3])
        XCTAssertEqual(Replacements.replacedName("segment-000001.wdx", run: 3), "segment-000001.r3.wdx")
        XCTAssertEqual(Replacements.replacedName("segment-000001.r3.wdx", run: 7), "segment-000001.r7.wdx")
    }

    /// Archives named in capitals (`.WARC.GZ`, `.HTML.GZ`, as some Windows tools write them) are
    /// decompressed like their lower-case kin: the format read their suffix without case, the
    /// reader did not.
    func testUpperCaseGzipNamesAreDecompressed() throws {
        let texts = try benchmarkTruth().values.map(\.text).filter { $0.count > 800 && $0.allSatisfy(\.isASCII) }.sorted().prefix(2)
        let pages = texts.map { text in
            Array(("<html><body><article>" + text.split(separator: "\n").prefix(6).map { "<p>\($0)</p>" }.joined() + "</article></body></html>").utf8)
        }
        let dir = try TemporaryDirectory()
        try dir.write("in/PAGE.HTML.GZ", try GzipCompressor.gzip(pages[0]))
        try dir.write(
            "in/CRAWL.WARC.GZ",
            try GzipCompressor.gzip(warcRecord(uri: "http://case.example/", html: pages[1], id: "00000000-0000-0000-0000-000000000001")))
        let summary = try runPipeline(inputs: [dir.path("in")], output: dir.path("out"))
        XCTAssertEqual(summary.stats[.read].dropped, [:])
        XCTAssertEqual(summary.stats[.write].documentsOut, 2)
    }

    /// Issue 16: a WARC still being written when cron fires, whole at the next run. The next run
    /// reads on from where the first stopped (its last whole record; the record it found cut
    /// short is read whole now): every document once. Plain and a gzip member per record.
    func testAGrowingWARCIsReadOnFromWhereTheLastRunStopped() throws {
        // Six different articles (the news pages' truth), so none is a duplicate of another.
        let texts = try benchmarkTruth().values.map(\.text).filter { $0.count > 800 && $0.allSatisfy(\.isASCII) }.sorted().prefix(6)
        XCTAssertEqual(texts.count, 6)
        let records = texts.enumerated().map { n, text in
            let paragraphs = text.split(separator: "\n").prefix(6).map { "<p>\($0)</p>" }.joined()
            return warcRecord(
                uri: "http://grow.example/\(n)", html: Array("<html><body><article>\(paragraphs)</article></body></html>".utf8),
                id: String(format: "00000000-0000-0000-0000-%012d", n))
        }
        for gzip in [false, true] {
            let dir = try TemporaryDirectory()
            let name = gzip ? "in/crawl.warc.gz" : "in/crawl.warc"
            let members = try records.map { gzip ? try GzipCompressor.gzip($0) : $0 }
            // Three whole records and half of the fourth, then the whole file.
            let firstPart = members[0..<3].flatMap { $0 } + members[3].prefix(members[3].count / 2)
            try dir.write(name, firstPart)
            let first = try runPipeline(inputs: [dir.path("in")], output: dir.path("out"))
            XCTAssertEqual(first.stats[.write].documentsOut, 3)
            try dir.write(name, members.flatMap { $0 })
            let second = try runPipeline(inputs: [dir.path("in")], output: dir.path("out"))
            XCTAssertEqual(second.grownInputs, 1)
            XCTAssertEqual(second.stats[.write].documentsOut, 3, "the fourth, fifth and sixth pages only")
            let urls = try readShards(dir.path("out")).compactMap { ($0["metadata"] as? [String: Any])?["url"] as? String }
            XCTAssertEqual(urls, (0..<6).map { "http://grow.example/\($0)" }, gzip ? "gzip" : "plain")
            // A file changed otherwise (not only grown) is read again from its start.
            var changed = members.flatMap { $0 } + (gzip ? try GzipCompressor.gzip(records[0]) : records[0])
            changed[gzip ? 20 : 200] ^= 0x01
            try dir.write(name, changed)
            let third = try runPipeline(inputs: [dir.path("in")], output: dir.path("out2"))
            XCTAssertEqual(third.grownInputs, 0)
        }
    }

    /// The same for an NDJSON file that grows by lines (a last line still being written is read
    /// again once whole).
    func testAGrowingNDJSONFileIsReadOnByLine() throws {
        let dir = try TemporaryDirectory()
        let texts = try benchmarkTruth().values.map(\.text).filter { $0.count > 800 }.sorted().prefix(4)
        let lines = texts.enumerated().map { n, text in
            String(decoding: try! JSONSerialization.data(withJSONObject: ["id": "doc-\(n)", "text": text]), as: UTF8.self) + "\n"
        }
        try dir.write("in/docs.jsonl", Array((lines[0] + lines[1] + lines[2].prefix(40)).utf8))
        let first = try runPipeline(inputs: [dir.path("in")], output: dir.path("out"))
        XCTAssertEqual(first.stats[.write].documentsOut, 2)
        try dir.write("in/docs.jsonl", Array(lines.joined().utf8))
        let second = try runPipeline(inputs: [dir.path("in")], output: dir.path("out"))
        XCTAssertEqual(second.grownInputs, 1)
        XCTAssertEqual(try readShards(dir.path("out")).compactMap { $0["id"] as? String }, ["doc-0", "doc-1", "doc-2", "doc-3"])
    }

    /// Issue 16: a file changed otherwise (not only grown) is read again whole, and the documents
    /// the earlier run wrote from it are taken out of its shards (and their attribute files, line
    /// for line, and the cross-run index): the output is then that of one run over the inputs as
    /// they are now. A shard left with none is removed.
    func testAChangedFileHasItsEarlierDocumentsReplaced() throws {
        let texts = try benchmarkTruth().values.map(\.text).filter { $0.count > 800 }.sorted()
        func lines(_ ids: [Int], edited: Int? = nil) -> [UInt8] {
            Array(
                ids.map { n in
                    let text = texts[n] + (n == edited ? " A closing sentence only the second version of this file has." : "")
                    return String(decoding: try! JSONSerialization.data(withJSONObject: ["id": "doc-\(n)", "text": text]), as: UTF8.self) + "\n"
                }.joined().utf8)
        }
        func documents(_ out: String) throws -> [String] { try readShards(out).map { "\($0["id"] ?? "")\t\($0["text"] ?? "")" }.sorted() }
        for withIndex in [false, true] {
            let dir = try TemporaryDirectory()
            try dir.write("in/a.jsonl", lines([0, 1, 2, 3]))
            try dir.write("in/b.jsonl", lines([10, 11]))
            let index: (inout PipelineConfig) -> Void = { if withIndex { $0.dedup.indexDirectory = dir.path("idx") } }
            _ = try runPipeline(inputs: [dir.path("in")], output: dir.path("out"), configure: index)
            // doc-1 edited, doc-3 gone, doc-4 new; doc-0 and doc-2 as they were.
            try dir.write("in/a.jsonl", lines([0, 1, 2, 4], edited: 1))
            let second = try runPipeline(inputs: [dir.path("in")], output: dir.path("out"), configure: index)
            XCTAssertEqual(second.replacedInputs, 1)
            XCTAssertEqual(second.replacedDocuments, 4)
            XCTAssertEqual(second.stats[.write].documentsOut, 4, "the file's four documents, none dropped as seen before")
            let fresh = try runPipeline(inputs: [dir.path("in")], output: dir.path("fresh")) {
                if withIndex { $0.dedup.indexDirectory = dir.path("idx-fresh") }
            }
            XCTAssertEqual(fresh.stats[.write].documentsOut, 6)
            XCTAssertEqual(try documents(dir.path("out")), try documents(dir.path("fresh")))
            // The attribute files still line up with their shards.
            XCTAssertEqual(
                try readShards(dir.path("out")).map { $0["id"] as? String },
                try readShards(dir.path("out/attributes/winnow_language")).map { $0["id"] as? String })
            XCTAssertNil(try RunState.load(dir.path("out")).replacing, "the renames are done")
            if withIndex {
                let settings = NearDedupSettings()
                let count = { (path: String) in
                    try DedupIndex(directory: path, settings: settings).load(into: NearDuplicateIndex(settings: settings, keepIDs: false))
                }
                XCTAssertEqual(try count(dir.path("idx")), try count(dir.path("idx-fresh")), "the index holds the new version's documents only")
            }
            // The file changed again: its documents of runs 1 and 2 go, and run 2's shard, left
            // empty, with them (b's documents keep run 1's).
            try dir.write("in/a.jsonl", lines([5, 6]))
            let third = try runPipeline(inputs: [dir.path("in")], output: dir.path("out"), configure: index)
            XCTAssertEqual(third.replacedDocuments, 4)
            XCTAssertEqual(
                try FileManager.default.contentsOfDirectory(atPath: dir.path("out/documents")).sorted(),
                ["shard-000001-00000.jsonl.gz", "shard-000003-00000.jsonl.gz"])
            XCTAssertEqual(try readShards(dir.path("out")).compactMap { $0["id"] as? String }, ["doc-10", "doc-11", "doc-5", "doc-6"])
            XCTAssertFalse(try RunState.load(dir.path("out")).runs.flatMap(\.files).contains("documents/shard-000002-00000.jsonl.gz"))
        }
    }

    /// The final documents live in OUTPUT/documents; an output directory of an earlier version
    /// (shards beside the summaries) has them moved there by the next run, which then adds its own.
    func testDocumentsHaveTheirFolderAndEarlierOutputsAreMovedIntoIt() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("out")
        let pages = try FileManager.default.contentsOfDirectory(atPath: TestPaths.sampleCorpus.path + "/pages").sorted()
        try FileManager.default.createDirectory(atPath: dir.path("in"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.sampleCorpus.path + "/pages/" + pages[0], toPath: dir.path("in/" + pages[0]))
        _ = try runPipeline(inputs: [dir.path("in")], output: out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/documents/shard-000001-00000.jsonl.gz"))
        // As an earlier version left it: the shard beside the summaries, named so in the state.
        try FileManager.default.moveItem(atPath: out + "/documents/shard-000001-00000.jsonl.gz", toPath: out + "/shard-000001-00000.jsonl.gz")
        var state = try RunState.load(out)
        state.runs[0].files = state.runs[0].files.map { $0.replacingOccurrences(of: "documents/", with: "") }
        try state.save(out)
        try FileManager.default.copyItem(atPath: TestPaths.sampleCorpus.path + "/pages/" + pages[1], toPath: dir.path("in/" + pages[1]))
        _ = try runPipeline(inputs: [dir.path("in")], output: out)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: out + "/documents").sorted(),
            ["shard-000001-00000.jsonl.gz", "shard-000002-00000.jsonl.gz"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/shard-000001-00000.jsonl.gz"))
        XCTAssertEqual(
            try RunState.load(out).committedFiles.filter { $0.hasPrefix("documents/") || $0.hasPrefix("shard-") }.sorted(),
            ["documents/shard-000001-00000.jsonl.gz", "documents/shard-000002-00000.jsonl.gz"])
        XCTAssertEqual(try readShards(out).count, 2)
    }

    /// dolma's attribute files mirror the document shards line for line (several shards here), each
    /// line the document's id and the annotating stages' values over its whole text.
    func testAttributeFilesMirrorTheDocumentShards() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("out")
        _ = try runPipeline(inputs: [TestPaths.sampleCorpus.path], output: out) { config in
            config.write.shardBytes = 60_000
            config.quality = QualitySettings.groups([.fineweb], mode: .annotate)
        }
        let documents = try FileManager.default.contentsOfDirectory(atPath: out + "/documents").sorted()
        XCTAssertGreaterThan(documents.count, 1)
        for tagger in ["winnow_language", "winnow_quality"] {
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/attributes/" + tagger).sorted(), documents, tagger)
            for shard in documents {
                let docs = try fileBytes(out + "/documents/" + shard).split(separator: 0x0a).map {
                    try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any]
                }
                let attrs = try fileBytes(out + "/attributes/\(tagger)/" + shard).split(separator: 0x0a).map {
                    try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any]
                }
                XCTAssertEqual(attrs.compactMap { $0["id"] as? String }, docs.compactMap { $0["id"] as? String }, "\(tagger) \(shard)")
                for (doc, attr) in zip(docs, attrs) {
                    let values = attr["attributes"] as! [String: [[Double]]]
                    let metadata = doc["metadata"] as! [String: Any]
                    let length = Double((doc["text"] as! String).unicodeScalars.count)
                    for span in values.values { XCTAssertEqual(span.first?.prefix(2).map { $0 }, [0, length]) }
                    if tagger == "winnow_language", let language = metadata["language"] as? String {
                        XCTAssertEqual(values["winnow_language__" + language]?.first?[2] ?? -1, metadata["language_score"] as! Double, accuracy: 1e-4)
                    }
                    if tagger == "winnow_quality" {
                        let scores = metadata["quality_scores"] as! [String: Double]
                        XCTAssertEqual(Set(values.keys), Set(scores.keys.map { "winnow_quality__" + $0 }))
                    }
                }
            }
        }
    }

    func testShardsRotateBySize() throws {
        let dir = try TemporaryDirectory()
        var config = PipelineConfig(inputs: [TestPaths.sampleCorpus.path], output: dir.path("out"), added: "2024-01-01T00:00:00Z")
        config.write.shardBytes = 20_000
        let summary = try Pipeline(config: config).run()
        XCTAssertGreaterThan(summary.shards.count, 3)
        XCTAssertEqual(try readShards(dir.path("out")).count, summary.documentsWritten)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testJSONEscaping() {
        var out: [UInt8] = []
        JSONWriter.appendQuoted("a\"b\\c\nd\u{01}e\u{2028}f é", to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), #""a\"b\\c\nd\u0001e\u2028f é""#)
    }
}

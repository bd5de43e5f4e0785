// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Winnow",
    products: [
        .executable(name: "winnow", targets: ["winnow"]),
        .library(
            name: "Winnow", targets: ["Winnow", "WinnowCore", "WinnowStages", "WinnowDedup", "WinnowDistributed", "WinnowReport", "WinnowFetch"]),
    ],
    dependencies: [
        // The CLI's argument parsing, help and usage errors.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Pipeline files: a YAML parser that keeps line numbers, for the messages of `winnow validate`.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System-library shims. Only WinnowHTML imports CLibXML2; only WinnowCompression imports CZlib and CLibDeflate.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libdeflate (Debian's libdeflate-dev): whole gzip members in one call, about 2.5 times
        // zlib's rate (0.20 s against 0.49 s for a 256 MB WARC); only GzipByteSource uses it, with zlib's stream as the fallback for any member it
        // cannot take whole (larger than the buffers, damaged, cut short).
        .systemLibrary(
            name: "CLibDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // uchardet (Debian's libuchardet-dev): the charset of pages that declare none; only the clean stage's Charset calls it.
        .systemLibrary(
            name: "CUchardet",
            pkgConfig: "uchardet",
            providers: [.apt(["libuchardet-dev"])]
        ),
        // libcurl (Debian's libcurl4-openssl-dev): http(s) inputs, downloaded as they are read; only the read stage's Remote calls it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "WinnowHTML", dependencies: ["CLibXML2"]),
        .target(name: "WinnowCompression", dependencies: ["CZlib", "CLibDeflate"]),
        // CLD2 (Debian's libcld2-dev) behind one extern "C" function; only Winnow's language stage calls it.
        .target(
            name: "CLD2Shim",
            linkerSettings: [.linkedLibrary("cld2")]
        ),
        // The modules, each on the ones before it (no cycles):
        // the document model, the Stage protocol, files and support code;
        .target(name: "WinnowCore", dependencies: ["WinnowHTML"]),
        // the stages: read (archives), clean, segment, extract, the filters, and the record format;
        .target(name: "WinnowStages", dependencies: ["WinnowCore", "WinnowHTML", "WinnowCompression", "CLD2Shim", "CUchardet", "CCurl"]),
        // deduplication's algorithms and decisions, and the cross-run index;
        .target(name: "WinnowDedup", dependencies: ["WinnowCore"]),
        // the runner: the plan, the reader and workers, the dedup sink, writing, the commit, the summary;
        .target(name: "Winnow", dependencies: ["WinnowCore", "WinnowStages", "WinnowDedup", "WinnowHTML", "WinnowCompression"]),
        // deduplication split across processes (the phases) and Slurm;
        .target(name: "WinnowDistributed", dependencies: ["Winnow", "WinnowCore", "WinnowStages", "WinnowDedup"]),
        // the run report, inspect and the extraction model's feature dump;
        .target(name: "WinnowReport", dependencies: ["Winnow", "WinnowCore", "WinnowStages", "WinnowHTML"]),
        // fetching URL lists into WARC files.
        .target(name: "WinnowFetch", dependencies: ["WinnowCore", "WinnowStages", "WinnowCompression"]),
        // Pipeline files (YAML) into a PipelineConfig, with file:line messages for every mistake.
        .target(
            name: "WinnowPipelineFile",
            dependencies: ["Winnow", "WinnowCore", "WinnowStages", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "winnow",
            dependencies: [
                "Winnow", "WinnowCore", "WinnowStages", "WinnowDedup", "WinnowDistributed", "WinnowReport", "WinnowFetch",
                "WinnowPipelineFile",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "WinnowHTMLTests", dependencies: ["WinnowHTML"]),
        .testTarget(name: "WinnowCompressionTests", dependencies: ["WinnowCompression"]),
        .testTarget(
            name: "WinnowTests",
            dependencies: [
                "Winnow", "WinnowCore", "WinnowStages", "WinnowDedup", "WinnowDistributed", "WinnowReport", "WinnowFetch",
                "WinnowHTML", "WinnowCompression", "WinnowPipelineFile",
            ],
            // Read from their paths by the tests (TestPaths), not bundled as resources.
            exclude: ["Fixtures", "Golden"]
        ),
    ]
)

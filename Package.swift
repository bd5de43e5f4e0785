// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Winnow",
    products: [
        .executable(name: "winnow", targets: ["winnow"]),
        .library(name: "Winnow", targets: ["Winnow"]),
    ],
    dependencies: [
        // The CLI's argument parsing, help and usage errors.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Pipeline files: a YAML parser that keeps line numbers, for the messages of `winnow validate`.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System-library shims. Only WinnowHTML imports CLibXML2; only WinnowCompression imports CZlib.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "WinnowHTML", dependencies: ["CLibXML2"]),
        .target(name: "WinnowCompression", dependencies: ["CZlib"]),
        // CLD2 (Debian's libcld2-dev) behind one extern "C" function; only Winnow's language stage calls it.
        .target(
            name: "CLD2Shim",
            linkerSettings: [.linkedLibrary("cld2")]
        ),
        .target(name: "Winnow", dependencies: ["WinnowHTML", "WinnowCompression", "CLD2Shim"]),
        // Pipeline files (YAML) into a PipelineConfig, with file:line messages for every mistake.
        .target(
            name: "WinnowPipelineFile",
            dependencies: ["Winnow", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "winnow",
            dependencies: [
                "Winnow",
                "WinnowPipelineFile",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "WinnowHTMLTests", dependencies: ["WinnowHTML"]),
        .testTarget(name: "WinnowCompressionTests", dependencies: ["WinnowCompression"]),
        .testTarget(name: "WinnowTests", dependencies: ["Winnow", "WinnowHTML", "WinnowCompression", "WinnowPipelineFile"]),
    ]
)

// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Winnow",
    products: [
        .executable(name: "winnow", targets: ["winnow"]),
        .library(name: "Winnow", targets: ["Winnow"]),
    ],
    dependencies: [
        // The only third-party dependency: the CLI's argument parsing, help and usage errors.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        .target(name: "Winnow", dependencies: ["WinnowHTML", "WinnowCompression"]),
        .executableTarget(
            name: "winnow",
            dependencies: [
                "Winnow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "WinnowHTMLTests", dependencies: ["WinnowHTML"]),
        .testTarget(name: "WinnowCompressionTests", dependencies: ["WinnowCompression"]),
        .testTarget(name: "WinnowTests", dependencies: ["Winnow", "WinnowHTML", "WinnowCompression"]),
    ]
)

// swift-tools-version:6.0
// libFuzzer targets for Winnow's input-facing code: `make fuzz` builds them with
// `-sanitize=fuzzer` and runs each for FUZZ_SECONDS.
import PackageDescription

// Targets are libraries: SwiftPM's executables bring a `main` of their own, and libFuzzer's
// must be the one. `make fuzz` links each with swiftc (Fuzz/run.sh).

let package = Package(
    name: "WinnowFuzz",
    dependencies: [.package(name: "Winnow", path: "..")],
    targets: ["FuzzWARC", "FuzzCharset", "FuzzClean", "FuzzGzip", "FuzzTrim"].map { name in
        .target(name: name, dependencies: [.product(name: "Winnow", package: "Winnow")])
    }
)

import Foundation

/// A temporary file per fuzzing input, for the readers that work on paths (used by Fuzz/).
public enum FuzzFiles {
    public static func withFile(_ bytes: [UInt8], suffix: String, _ body: (String) -> Void) {
        let path = NSTemporaryDirectory() + "/winnow-fuzz-\(getpid())\(suffix)"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        body(path)
        unlink(path)
    }
}

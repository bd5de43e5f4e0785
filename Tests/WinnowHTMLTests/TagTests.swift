import Foundation
import XCTest

@testable import WinnowHTML

/// The known tags are written as numbers (inlinable constants); each must be its name's place in
/// `Tag.knownNames`.
final class TagTests: XCTestCase {
    func testReadAttributeMaskMatchesItsList() {
        XCTAssertEqual(AttributeSelection.readMask, AttributeSelection.readList.reduce(0) { $0 | (1 << $1.rawValue) })
        XCTAssertTrue(AttributeSelection.read.keeps(.href, on: .link))
        XCTAssertFalse(AttributeSelection.read.keeps(.href, on: .a))
        XCTAssertFalse(AttributeSelection.read.keeps(.src, on: .img))
        XCTAssertTrue(AttributeSelection.all.keeps(.src, on: .img))
    }

    func testEveryTagConstantIsItsNamesNumber() throws {
        let source = try String(
            contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../Sources/WinnowHTML/Tag.swift").standardized.path, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"static var (\w+): Tag \{ Tag\(rawValue: (\d+)\) \}\s+// (\S+)"#)
        let matches = pattern.matches(in: source, range: NSRange(source.startIndex..., in: source))
        XCTAssertGreaterThan(matches.count, 80)
        for m in matches {
            let number = Int(source[Range(m.range(at: 2), in: source)!])!
            let name = String(source[Range(m.range(at: 3), in: source)!])
            XCTAssertEqual(Tag.knownNames[number], name)
            XCTAssertEqual(Tag.known(name)?.rawValue, UInt16(number))
        }
        XCTAssertEqual(Tag.div, Tag.known("div"))
        XCTAssertEqual(Tag.title, Tag.known("title"))
    }
}

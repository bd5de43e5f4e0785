import Foundation
import XCTest

@testable import WinnowCompression

final class GzipTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func sample(_ n: Int, seed: UInt8) -> [UInt8] {
        (0..<n).map { UInt8(truncatingIfNeeded: ($0 * 31 + Int(seed)) % 251) ^ UInt8(truncatingIfNeeded: $0 >> 7) }
    }

    private func readAll(_ source: ByteSource) throws -> [UInt8] {
        var out: [UInt8] = []
        while try source.read(into: &out, maxCount: 4096) > 0 {}
        return out
    }

    func testRoundTripOneMember() throws {
        let input = sample(300_000, seed: 1)
        let packed = try GzipCompressor.gzip(input)
        XCTAssertEqual(packed[0], 0x1f)
        XCTAssertEqual(packed[1], 0x8b)
        XCTAssertEqual(try Inflate.decompress(packed, limit: 1 << 20), input)
    }

    /// One member is inflated whole by libdeflate (its output sized by the member's trailer, or
    /// grown from a guess when bytes follow it); several members, or a zlib stream, go through
    /// zlib's loop; both give the same bytes, and bytes after the last member are ignored either way.
    func testInMemoryMembersWholeOrStreamed() throws {
        let a = sample(300_000, seed: 14)
        let b = noise(50_000, seed: 15)
        let one = try GzipCompressor.gzip(a)
        XCTAssertEqual(Inflate.wholeMember(one, limit: 1 << 20), a, "sized by the member's trailer")
        XCTAssertEqual(Inflate.wholeMember(one + [0, 1, 2], limit: 1 << 20), a, "no trailer at the end: grown from a guess")
        XCTAssertNil(Inflate.wholeMember(one + (try GzipCompressor.gzip(b)), limit: 1 << 20))
        XCTAssertNil(Inflate.wholeMember(one, limit: a.count - 1))
        XCTAssertEqual(try Inflate.decompress(one + GzipCompressor.gzip(b) + [9, 9], limit: 1 << 20), a + b)
        XCTAssertEqual(try Inflate.decompress(one + [0, 1, 2], limit: 1 << 20), a)
    }

    func testEqualInputGivesEqualBytes() throws {
        let input = sample(10_000, seed: 2)
        XCTAssertEqual(try GzipCompressor.gzip(input), try GzipCompressor.gzip(input))
    }

    func testStreamingReaderJoinsMembers() throws {
        let a = sample(70_000, seed: 3)
        let b = sample(5, seed: 4)
        let c = sample(200_000, seed: 5)
        let file = directory.appendingPathComponent("multi.gz")
        try Data(try GzipCompressor.gzip(a) + GzipCompressor.gzip(b) + GzipCompressor.gzip(c)).write(to: file)
        XCTAssertEqual(try readAll(try GzipByteSource(path: file.path)), a + b + c)
    }

    /// Bytes that do not compress (xorshift), so that a member's compressed size is its size.
    private func noise(_ n: Int, seed: UInt64) -> [UInt8] {
        var x = seed | 1
        return (0..<n).map { _ in
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            return UInt8(truncatingIfNeeded: x)
        }
    }

    /// Members of every size class, one after the other: small ones (inflated whole by libdeflate),
    /// an empty one, one that inflates past `WholeMember.capacity` and one whose compressed bytes
    /// exceed the input held ahead (both streamed by zlib). Each member's bytes and start offset
    /// come out as they went in, whichever way it was inflated.
    func testEachMemberAndItsOffsetWhateverItsSize() throws {
        let members: [[UInt8]] = [
            sample(70_000, seed: 10), [], [UInt8](repeating: 7, count: WholeMember.capacity + 1_000),
            noise(2_000_000, seed: 11), sample(5, seed: 12), noise(100_000, seed: 13),
        ]
        let packed = try members.map { try GzipCompressor.gzip($0) }
        XCTAssertGreaterThan(packed[3].count, WholeMember.window + (1 << 20), "this member cannot lie whole in the input")
        let file = directory.appendingPathComponent("sizes.gz")
        try Data(packed.joined()).write(to: file)
        let source = try GzipByteSource(path: file.path)
        source.stopsAtMemberEnd = true
        var starts: [Int] = []
        var outputs: [[UInt8]] = []
        repeat {
            starts.append(source.memberStart)
            outputs.append(try readAll(source))
        } while try source.nextMember()
        XCTAssertEqual(outputs.count, members.count)
        for (got, want) in zip(outputs, members) { XCTAssertTrue(got == want, "member of \(want.count) bytes") }
        XCTAssertEqual(starts, packed.indices.map { i in packed[..<i].reduce(0) { $0 + $1.count } })
        XCTAssertEqual(source.wholeMembers, 4, "the two oversized members, and only they, were streamed")
    }

    func testTruncatedFileThrowsTruncatedAfterTheGoodBytes() throws {
        let a = sample(50_000, seed: 6)
        let packed = try GzipCompressor.gzip(a)
        let file = directory.appendingPathComponent("cut.gz")
        try Data(packed[0..<(packed.count / 2)]).write(to: file)
        let source = try GzipByteSource(path: file.path)
        var out: [UInt8] = []
        XCTAssertThrowsError(try { while try source.read(into: &out, maxCount: 4096) > 0 {} }()) { error in
            XCTAssertEqual(error as? CompressionError, .truncated)
        }
        XCTAssertFalse(out.isEmpty)
        XCTAssertEqual(Array(a.prefix(out.count)), out, "bytes before the cut are delivered intact")
    }

    func testCorruptMemberIsSkippedAndReadingGoesOn() throws {
        let a = sample(20_000, seed: 7)
        let b = sample(20_000, seed: 8)
        let c = sample(20_000, seed: 9)
        var middle = try GzipCompressor.gzip(b)
        for i in 20..<60 { middle[i] ^= 0x5a }
        let file = directory.appendingPathComponent("corrupt.gz")
        try Data(try GzipCompressor.gzip(a) + middle + GzipCompressor.gzip(c)).write(to: file)
        let source = try GzipByteSource(path: file.path)
        var out: [UInt8] = []
        var errors = 0
        while true {
            do {
                if try source.read(into: &out, maxCount: 4096) == 0 { break }
            } catch CompressionError.corrupt {
                errors += 1
                out.removeAll()
            }
        }
        XCTAssertEqual(errors, 1)
        XCTAssertEqual(Array(out.suffix(c.count)), c, "the member after the damage is read whole")
    }

    func testDecompressionLimitStopsBombs() throws {
        let zeros = [UInt8](repeating: 0, count: 5_000_000)
        let packed = try GzipCompressor.gzip(zeros)
        XCTAssertLessThan(packed.count, 10_000)
        XCTAssertThrowsError(try Inflate.decompress(packed, limit: 1_000_000)) { error in
            XCTAssertEqual(error as? CompressionError, .tooLarge(limit: 1_000_000))
        }
    }

    func testRawDeflate() throws {
        // Raw deflate stream of "hello hello hello" made by zlib with wbits -15.
        let raw: [UInt8] = [0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x90, 0x00]
        XCTAssertEqual(String(decoding: try Inflate.decompress(raw, format: .raw, limit: 100), as: UTF8.self), "hello hello hello")
    }
}

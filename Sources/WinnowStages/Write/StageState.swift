import Foundation
import WinnowCore

/// An intermediate record's `winnow` object, Winnow's own part of the record (the rest is dolma's
/// schema with open `metadata`): the stage the record was written at and that stage's content,
/// from which the next stage command goes on. `RecordCodec.encode` writes it.
struct StageState: Decodable {
    var stage: String?
    var contentType: String?
    var bodyBase64: String?
    var html: String?
    var page: PageState?
    var elements: [ElementState]?
    var blocks: [BlockState]?

    enum CodingKeys: String, CodingKey {
        case stage, html, page, elements, blocks
        case contentType = "content_type"
        case bodyBase64 = "body_base64"
    }

    /// The state in a record's line, when it has a `winnow` object with a `stage`; nil otherwise.
    /// Throws when the object does not have the shape `encode` writes.
    static func read(line: ArraySlice<UInt8>) throws -> StageState? {
        let range: Range<Int>? = line.withUnsafeBufferPointer { buffer in
            guard case .object(let members)? = try? JSONReader.parse(buffer) else { return nil }
            return members.last { $0.key == "winnow" }?.range
        }
        guard let range else { return nil }
        let bytes = line[(line.startIndex + range.lowerBound)..<(line.startIndex + range.upperBound)]
        guard bytes.first == UInt8(ascii: "{") else { return nil }
        let state = try JSONDecoder().decode(StageState.self, from: Data(bytes))
        return state.stage == nil ? nil : state
    }

    /// The page's head information.
    struct PageState: Decodable {
        var title: String?
        var htmlLang: String?
        var canonical: String?
        var charset: String?
        var metas: [[String]]?
        var jsonLD: [String]?
        var times: [String]?
        var microdataAuthor: String?
        var relAuthor: String?
        var classAuthor: String?
        var linkAuthor: String?

        enum CodingKeys: String, CodingKey {
            case title, canonical, charset, metas, times
            case htmlLang = "html_lang"
            case jsonLD = "json_ld"
            case microdataAuthor = "microdata_author"
            case relAuthor = "rel_author"
            case classAuthor = "class_author"
            case linkAuthor = "link_author"
        }

        var info: PageInfo {
            var info = PageInfo()
            info.title = title
            info.htmlLang = htmlLang
            info.canonical = canonical
            info.charset = charset ?? "utf-8"
            info.metas = (metas ?? []).compactMap { $0.count == 2 ? PageInfo.Meta(key: $0[0], content: $0[1]) : nil }
            info.jsonLD = jsonLD ?? []
            info.times = times ?? []
            info.microdataAuthor = microdataAuthor
            info.relAuthor = relAuthor
            info.classAuthor = classAuthor
            info.linkAuthor = linkAuthor
            return info
        }
    }

    /// An element: `[parent, tag, class/id]`.
    struct ElementState: Decodable {
        var parent: Int32
        var tag: String
        var classID: String

        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            parent = try c.decode(Int32.self)
            tag = try c.decode(String.self)
            classID = try c.decode(String.self)
            guard c.isAtEnd else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "an element has three values") }
        }
    }

    struct BlockState: Decodable {
        var kind: String
        var level: Int?
        var text: String
        var chars: Int?
        var linkChars: Int?
        var element: Int32
        var sentenceEnds: [Int]?
        var inQuote: Bool?
        var inList: Bool?
        var inTable: Bool?
        var inFigure: Bool?

        enum CodingKeys: String, CodingKey {
            case kind, level, text, chars, element
            case linkChars = "link_chars"
            case sentenceEnds = "sentence_ends"
            case inQuote = "in_quote"
            case inList = "in_list"
            case inTable = "in_table"
            case inFigure = "in_figure"
        }
    }

    /// The segmented page, or nil when its elements or blocks do not fit together.
    var segmentedPage: SegmentedPage? {
        guard let rawElements = elements, let rawBlocks = blocks else { return nil }
        var elements: [ElementInfo] = []
        for e in rawElements {
            guard e.parent >= -1, e.parent < Int32(elements.count) else { return nil }
            let depth = e.parent >= 0 ? elements[Int(e.parent)].depth + 1 : 0
            elements.append(ElementInfo(parent: e.parent, tag: e.tag, classID: e.classID, depth: depth))
        }
        var blocks: [Block] = []
        for b in rawBlocks {
            guard let kind = BlockKind(rawValue: b.kind), b.element >= 0, b.element < Int32(elements.count) else { return nil }
            blocks.append(
                Block(
                    kind: kind, level: b.level ?? 0, text: b.text, linkChars: b.linkChars ?? 0,
                    chars: b.chars ?? TextNormalizer.visibleCount(b.text.utf8), element: b.element,
                    sentenceEnds: b.sentenceEnds ?? [b.text.utf8.count], inQuote: b.inQuote ?? false, inList: b.inList ?? false,
                    inTable: b.inTable ?? false, inFigure: b.inFigure ?? false))
        }
        return SegmentedPage(info: page?.info ?? PageInfo(), elements: elements, blocks: blocks)
    }
}

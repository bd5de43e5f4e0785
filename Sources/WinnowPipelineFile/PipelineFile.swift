import Foundation
import Winnow
import WinnowCore
import WinnowDedup
import WinnowStages
import Yams

/// A pipeline file (YAML): name, inputs, output settings and the ordered stages with their
/// settings, read into a `PipelineConfig`. Every setting has a default; every mistake (unknown key,
/// wrong type, out-of-range value, unknown or misplaced stage) is reported with the file, line and
/// column and the accepted values, all at once.
public struct PipelineFile: Sendable {
    public var name: String
    public var description: String?
    /// The run configuration. `inputs` and `output` may be empty when the file leaves them to the
    /// command line.
    public var config: PipelineConfig
    /// `jobs` as the file gives it (nil: all cores, or the command line's).
    public var jobs: Int?
    public var metricsFile: String?
    /// The stages, as listed.
    public var stages: [StageName]

    /// The list files the stages name (URL lists, the bad-words list) that are not on this
    /// machine. They are read when a run starts, which refuses to start without them; a file
    /// naming lists that live where the job runs is still valid.
    public var missingFiles: [String] {
        let named = (config.urlFilter.map { $0.blocklists + $0.allowlists } ?? []) + [config.quality?.badWordsPath].compactMap { $0 }
        return named.filter { !FileManager.default.fileExists(atPath: $0) }
    }

    /// One mistake in a pipeline file.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(file):\(line):\(column): \(message)" }
    }

    /// Every mistake found in a file.
    public struct Invalid: Error, CustomStringConvertible {
        public var problems: [Problem]
        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }

    /// Reads and checks a pipeline file.
    public static func load(_ path: String) throws -> PipelineFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(problems: [Problem(file: path, line: 0, column: 0, message: "cannot read the file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Invalid(problems: [Problem(file: path, line: 0, column: 0, message: "the file is not UTF-8 text")])
        }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try parse(text, file: path, defaultName: stem)
    }

    /// Checks a pipeline given as text; `file` names it in messages.
    public static func parse(_ text: String, file: String, defaultName: String = "pipeline") throws -> PipelineFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Invalid(problems: [syntaxProblem(error, file: file)])
        }
        var reader = SchemaReader(file: file)
        var result = PipelineFile(name: defaultName, config: PipelineConfig(inputs: [], output: "", added: ""), stages: [])
        guard let root else {
            throw Invalid(problems: [Problem(file: file, line: 1, column: 1, message: "the file is empty; a pipeline needs at least `stages`")])
        }
        reader.read(root, into: &result)
        if !reader.problems.isEmpty {
            throw Invalid(problems: reader.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return result
    }

    static func syntaxProblem(_ error: YamlError, file: String) -> Problem {
        switch error {
        case .scanner(let context, let problem, let mark, _):
            return Problem(
                file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)" + (context.map { " \($0.text)" } ?? ""))
        case .parser(let context, let problem, let mark, _):
            return Problem(
                file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)" + (context.map { " \($0.text)" } ?? ""))
        case .composer(let context, let problem, let mark, _):
            return Problem(file: file, line: mark.line, column: mark.column, message: "YAML: \(problem)" + (context.map { " \($0.text)" } ?? ""))
        default:
            return Problem(file: file, line: 0, column: 0, message: "YAML: \(error)")
        }
    }

    /// The stages a pipeline may list, in the order they run. read, clean, segment, extract and
    /// write are required; language, quality and dedup are optional.
    public static let stageOrder: [StageName] = StageName.allCases
    public static let requiredStages: Set<StageName> = [.read, .clean, .segment, .extract, .write]
}

/// Walks the YAML tree against the schema, collecting problems.
struct SchemaReader {
    let file: String
    var problems: [PipelineFile.Problem] = []

    init(file: String) { self.file = file }

    mutating func problem(_ node: Node?, _ message: String) {
        let mark = node?.mark
        problems.append(.init(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message))
    }

    // MARK: typed values

    mutating func int(_ node: Node, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard case .scalar = node, let value = node.int else {
            problem(node, "\(key): expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(show(node))")
            return nil
        }
        guard range.contains(value) else {
            problem(node, "\(key): \(value) is out of range; accepted: \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func double(_ node: Node, _ key: String, _ range: ClosedRange<Double>, open lower: Bool = false) -> Double? {
        guard case .scalar = node, let value = node.float, value.isFinite else {
            problem(node, "\(key): expected a number from \(fmt(range.lowerBound)) to \(fmt(range.upperBound)), got \(show(node))")
            return nil
        }
        guard range.contains(value), !(lower && value == range.lowerBound) else {
            problem(
                node,
                "\(key): \(fmt(value)) is out of range; accepted: \(lower ? "more than" : "from") \(fmt(range.lowerBound)) to \(fmt(range.upperBound))"
            )
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ key: String) -> Bool? {
        guard case .scalar(let s) = node, ["true", "false"].contains(s.string) else {
            problem(node, "\(key): expected true or false, got \(show(node))")
            return nil
        }
        return s.string == "true"
    }

    mutating func string(_ node: Node, _ key: String) -> String? {
        guard case .scalar(let s) = node, !s.string.isEmpty else {
            problem(node, "\(key): expected a text value, got \(show(node))")
            return nil
        }
        return s.string
    }

    mutating func choice(_ node: Node, _ key: String, _ accepted: [String]) -> String? {
        guard case .scalar(let s) = node, accepted.contains(s.string) else {
            problem(node, "\(key): \(show(node)) is not accepted; accepted: \(accepted.joined(separator: ", "))")
            return nil
        }
        return s.string
    }

    /// A list of texts; a single text is taken as a list of one.
    mutating func strings(_ node: Node, _ key: String) -> [String]? {
        if case .scalar = node { return string(node, key).map { [$0] } }
        guard case .sequence(let seq) = node else {
            problem(node, "\(key): expected a list of texts, got \(show(node))")
            return nil
        }
        var result: [String] = []
        for item in seq {
            guard let s = string(item, "\(key) item") else { return nil }
            result.append(s)
        }
        return result
    }

    func show(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return s.string.isEmpty ? "nothing" : "\"\(s.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func fmt(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }

    /// The pairs of a mapping, each key checked against `accepted` (unknown keys reported with the
    /// accepted ones, duplicates too).
    mutating func pairs(_ node: Node, _ what: String, accepted: [String]) -> [(key: String, keyNode: Node, value: Node)] {
        if case .scalar(let s) = node, s.string.isEmpty { return [] } // `key:` with nothing: all defaults
        guard case .mapping(let mapping) = node else {
            problem(node, "\(what): expected a mapping of settings, got \(show(node))")
            return []
        }
        var seen = Set<String>()
        var result: [(String, Node, Node)] = []
        for (k, v) in mapping {
            guard case .scalar(let ks) = k else {
                problem(k, "\(what): keys must be plain names")
                continue
            }
            let key = ks.string
            guard accepted.contains(key) else {
                problem(k, "unknown key \"\(key)\" in \(what); accepted: \(accepted.joined(separator: ", "))")
                continue
            }
            guard seen.insert(key).inserted else {
                problem(k, "\"\(key)\" is given twice in \(what)")
                continue
            }
            result.append((key, k, v))
        }
        return result
    }

    /// A setting's value from the node, parsed by its kind and checked against its bounds (the
    /// table `Settings.all`, which the command line checks against too).
    mutating func value(_ node: Node, _ setting: Setting) -> Setting.Value? {
        let name = setting.path
        let value: Setting.Value?
        switch setting.kind {
        case .int:
            guard case .scalar = node, let n = node.int else {
                problem(node, "\(name): expected \(setting.expected), got \(show(node))")
                return nil
            }
            value = .int(n)
        case .number:
            guard case .scalar = node, let x = node.float, x.isFinite else {
                problem(node, "\(name): expected \(setting.expected), got \(show(node))")
                return nil
            }
            value = .number(x)
        case .bool: value = bool(node, name).map { .bool($0) }
        case .text: value = string(node, name).map { .text($0) }
        case .choice:
            guard case .scalar(let s) = node else {
                problem(node, "\(name): \(show(node)) is not accepted; expected \(setting.expected)")
                return nil
            }
            value = .text(s.string)
        case .texts, .languageCodes: value = strings(node, name).map { .texts($0) }
        }
        guard let value else { return nil }
        if let message = setting.problem(value) {
            problem(node, "\(name): \(message)")
            return nil
        }
        return value
    }

    /// Reads the keys of one place of the file that the settings table has; `extra` keys are
    /// accepted too and handed back for the caller.
    mutating func readSettings(
        _ node: Node, _ place: Setting.Place, _ what: String, into config: inout PipelineConfig,
        extra: [String] = [], order: [String]? = nil
    ) -> [(key: String, keyNode: Node, value: Node)] {
        let settings = Settings.at(place)
        var rest: [(key: String, keyNode: Node, value: Node)] = []
        let accepted = order ?? extra + settings.compactMap(\.key)
        assert(Set(accepted) == Set(extra + settings.compactMap(\.key)), "the order lists every key")
        for (key, keyNode, node) in pairs(node, what, accepted: accepted) {
            guard let setting = settings.first(where: { $0.key == key }) else {
                rest.append((key, keyNode, node))
                continue
            }
            if let v = value(node, setting) { try? setting.set(v, in: &config) }
        }
        return rest
    }

    // MARK: the schema

    mutating func read(_ root: Node, into result: inout PipelineFile) {
        guard case .mapping = root else {
            _ = pairs(root, "the pipeline", accepted: [])
            return
        }
        var sawStages = false
        let rest = readSettings(
            root, .top, "the pipeline", into: &result.config, extra: ["name", "description", "output", "stages"],
            order: ["name", "description", "inputs", "input_list", "input_prefix", "output", "jobs", "checkpoint_every", "metrics_file", "stages"])
        for (key, _, value) in rest {
            switch key {
            case "name": if let s = string(value, key) { result.name = s }
            case "description": result.description = string(value, key)
            case "output": _ = readSettings(value, .output, "output", into: &result.config)
            case "stages":
                sawStages = true
                readStages(value, &result)
            default: break
            }
        }
        result.metricsFile = result.config.metricsFile
        if case .mapping(let m) = root, let n = m.first(where: { $0.key.string == "jobs" })?.value.int, n > 0 { result.jobs = n }
        if !sawStages { problem(root, "the pipeline has no `stages`; a pipeline lists at least read, clean, segment, extract and write") }
    }

    mutating func readStages(_ node: Node, _ result: inout PipelineFile) {
        guard case .sequence(let seq) = node else {
            problem(node, "stages: expected a list of stages (- read, - clean: {...}, ...), got \(show(node))")
            return
        }
        let names = PipelineFile.stageOrder.map(\.rawValue)
        var listed: [(StageName, Node)] = []
        // A pipeline without a stage does not run it. (The stages set other fields than `output`,
        // so the two sections can come in either order.)
        result.config.language = nil
        result.config.quality = nil
        result.config.urlFilter = nil
        result.config.pii = nil
        result.config.dedup.enabled = false
        for item in seq {
            let nameNode: Node
            let settings: Node?
            switch item {
            case .scalar:
                nameNode = item
                settings = nil
            case .mapping(let m) where m.count == 1:
                nameNode = m.first!.key
                settings = m.first!.value
            default:
                problem(item, "a stage is a name (- segment) or a name with its settings (- clean: {max_depth: 256}); got \(show(item))")
                continue
            }
            guard case .scalar(let s) = nameNode, let stage = StageName(rawValue: s.string) else {
                problem(nameNode, "unknown stage \(show(nameNode)); accepted: \(names.joined(separator: ", "))")
                continue
            }
            if let previous = listed.last, previous.0 >= stage {
                let message =
                    previous.0 == stage
                    ? "stage \(stage.rawValue) is listed twice"
                    : "stage \(stage.rawValue) must come before \(previous.0.rawValue); stages run in this order: \(names.joined(separator: ", "))"
                problem(nameNode, message)
                continue
            }
            listed.append((stage, nameNode))
            readStage(stage, settings ?? Node(""), &result.config)
        }
        let present = Set(listed.map(\.0))
        for stage in PipelineFile.stageOrder where PipelineFile.requiredStages.contains(stage) && !present.contains(stage) {
            problem(node, "stages: \(stage.rawValue) is missing; every pipeline has read, clean, segment, extract and write")
        }
        result.stages = listed.map(\.0)
    }

    mutating func readStage(_ stage: StageName, _ node: Node, _ config: inout PipelineConfig) {
        let what = "stage \(stage.rawValue)"
        switch stage {
        case .quality:
            config.quality = readQuality(node)
        case .language:
            // A listed language stage runs, with its defaults for what the file leaves out.
            config.language = LanguageSettings()
            _ = readSettings(node, .stage(stage), what, into: &config)
        case .urlFilter:
            config.urlFilter = URLFilterSettings()
            _ = readSettings(node, .stage(stage), what, into: &config)
            if config.urlFilter!.blocklists.isEmpty {
                problem(node, "stage url_filter blocks nothing: give `blocklists` (files or directories of domains, URLs or words)")
            }
        case .pii:
            // A listed pii stage runs, with FineWeb's defaults for what the file leaves out.
            config.pii = PIISettings()
            _ = readSettings(node, .stage(stage), what, into: &config)
        case .dedup:
            config.dedup = DedupSettings()
            let bandsNode = keyNode(node, "bands")
            _ = readSettings(node, .stage(stage), what, into: &config)
            let m = config.dedup.minHash
            if m.hashes != m.bands * m.rows {
                problem(bandsNode ?? node, "dedup: hashes (\(m.hashes)) must equal bands × rows (\(m.bands) × \(m.rows))")
            }
            config.dedup.enabled = true
        default:
            _ = readSettings(node, .stage(stage), what, into: &config)
        }
    }

    /// The node of `key` in a mapping, for messages about a combination of settings.
    func keyNode(_ node: Node, _ key: String) -> Node? {
        guard case .mapping(let m) = node else { return nil }
        return m.first { $0.key.string == key }?.key
    }

    mutating func readQuality(_ node: Node) -> QualitySettings {
        var mode = FilterMode.filter
        var groups: [QualityRule.Group] = []
        var chosen: [String: ConfiguredRule] = [:]
        var removed = Set<String>()
        let modes = FilterMode.allCases.map(\.rawValue)
        var rulesNode: Node?
        var badWordsPath: String?
        for (key, _, value) in pairs(node, "stage quality", accepted: ["mode", "groups", "rules", "badwords"]) {
            switch key {
            case "mode": if let s = choice(value, "quality.mode", modes) { mode = FilterMode(rawValue: s)! }
            case "groups":
                let accepted = QualityRule.Group.allCases.map(\.rawValue)
                guard let list = strings(value, "quality.groups") else { break }
                for name in list {
                    if let g = QualityRule.Group(rawValue: name) {
                        groups.append(g)
                    } else {
                        problem(value, "quality.groups: \"\(name)\" is not a rule group; accepted: \(accepted.joined(separator: ", "))")
                    }
                }
            case "rules": rulesNode = value
            case "badwords":
                badWordsPath = string(value, "quality.badwords")
            default: break
            }
        }
        for rule in QualityRule.all where groups.contains(rule.group) { chosen[rule.name] = ConfiguredRule(rule, mode: mode) }
        if let rulesNode {
            let names = QualityRule.all.map(\.name)
            for (name, _, value) in pairs(rulesNode, "quality.rules", accepted: names) {
                let rule = QualityRule.named(name)!
                var configured = ConfiguredRule(rule, mode: mode)
                if case .scalar(let s) = value, !s.string.isEmpty {
                    // Shorthand: `rule: off`, `rule: annotate`, `rule: filter`.
                    guard let m = choice(value, "quality.rules.\(name)", modes + ["off"]) else { continue }
                    if m == "off" {
                        removed.insert(name)
                        continue
                    }
                    configured.mode = FilterMode(rawValue: m)!
                } else {
                    let params = rule.defaults.keys.sorted()
                    for (key, _, v) in pairs(value, "quality.rules.\(name)", accepted: ["mode"] + params) {
                        if key == "mode" {
                            guard let m = choice(v, "quality.rules.\(name).mode", modes + ["off"]) else { continue }
                            if m == "off" { removed.insert(name) } else { configured.mode = FilterMode(rawValue: m)! }
                        } else if let x = double(v, "quality.rules.\(name).\(key)", 0...1e9) {
                            configured.parameters[key] = x
                        }
                    }
                }
                chosen[name] = configured
            }
        }
        for name in removed { chosen[name] = nil }
        if chosen.isEmpty {
            problem(node, "stage quality runs no rule; give groups (\(QualityRule.Group.allCases.map(\.rawValue).joined(separator: ", "))) or rules")
        }
        var settings = QualitySettings(rules: Array(chosen.values))
        settings.badWordsPath = badWordsPath
        if settings.lacksBadWords {
            problem(node, "quality: c4_badwords needs its list: give `badwords: FILE` (one word or phrase a line)")
        }
        return settings
    }
}

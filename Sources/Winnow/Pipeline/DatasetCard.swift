import WinnowCore
import WinnowStages

/// `OUTPUT/README.md`: a Hugging Face dataset card, so `load_dataset("OUTPUT")` reads the
/// documents (`documents/*.jsonl.gz`) with their types as written (dates stay strings, as the
/// records hold them) and the directory can be pushed to a hub as it is; then a short account of
/// the corpus for people: its runs, the last run's counts and drop reasons, its settings.
public enum DatasetCard {
    /// The card for an output directory after a run (`summary`) with `config`, whose committed
    /// runs `state` lists.
    public static func markdown(config: PipelineConfig, summary: RunSummary, state: RunState, pipelineName: String) -> String {
        var lines = ["---", "configs:", "- config_name: default", "  data_files:", "  - split: train", "    path: documents/*.jsonl.gz"]
        // Metadata passed through from NDJSON inputs that is not text has no type to declare here:
        // then `datasets` infers them all.
        if !state.extraMetadata.values.contains("json") {
            lines += ["dataset_info:", "  features:"] + features(config, extra: state.extraMetadata.keys.sorted()).map { "  " + $0 }
        }
        lines += ["---", "", "# \(pipelineName): a Winnow corpus", ""]
        lines += about(config: config, summary: summary, state: state, pipelineName: pipelineName)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The records' fields and types, as `datasets` reads them from a card (`Features`' YAML).
    static func features(_ config: PipelineConfig, extra: [String] = []) -> [String] {
        var lines: [String] = []
        func field(_ name: String, _ type: String, indent: String) { lines += [indent + "- name: \(name)", indent + "  dtype: \(type)"] }
        // Dates are declared `json`: pyarrow's JSON reader would take ISO 8601 strings for
        // timestamps (dropping their offsets) before `datasets` casts them back; as `json` each
        // comes back as the string written.
        for name in ["id", "text", "source"] { field(name, "string", indent: "") }
        for name in ["added", "created"] { field(name, "json", indent: "") }
        lines.append("- name: metadata")
        lines.append("  struct:")
        let inner = "  "
        for name in ["url", "title", "author"] { field(name, "string", indent: inner) }
        field("date_published", "json", indent: inner)
        field("language", "string", indent: inner)
        field("language_score", "float64", indent: inner)
        for name in ["language_declared", "canonical_url", "site_name", "description", "input", "warc_record_id"] {
            field(name, "string", indent: inner)
        }
        let annotating = config.quality?.rules.filter { $0.mode == .annotate } ?? []
        if !annotating.isEmpty {
            lines += [inner + "- name: quality_scores", inner + "  struct:"]
            for rule in annotating { field(rule.rule.name, "float64", indent: inner + "  ") }
            lines += [inner + "- name: quality_flags", inner + "  sequence: string"]
        }
        if config.urlFilter?.mode == .annotate { field("url_blocklist", "string", indent: inner) }
        if let pii = config.pii {
            lines += [inner + "- name: pii", inner + "  struct:"]
            for (kind, on) in [("emails", pii.emails), ("ips", pii.ips), ("phones", pii.phones)] where on {
                field(kind, "int64", indent: inner + "  ")
            }
        }
        for key in extra { field(key, "string", indent: inner) }
        return lines
    }

    /// The part for people.
    static func about(config: PipelineConfig, summary: RunSummary, state: RunState, pipelineName: String) -> [String] {
        var lines = [
            "Text documents extracted from web archives by Winnow, one JSON object a line in `documents/*.jsonl.gz` "
                + "(dolma's document format: `id`, `text`, `source`, `added`, `created`, `metadata`).",
            "",
            "- Pipeline: `\(pipelineName)`, stages \(stages(config).joined(separator: " → ")).",
            "- Inputs: " + (config.inputs.map { "`\($0)`" } + config.inputLists.map { "the files listed in `\($0)`" }).joined(separator: ", ")
                + (config.inputPrefix.map { " (relative entries under `\($0)`)" } ?? "") + ".",
            state.runs.isEmpty
                ? "- Written by the dedup phases (`winnow slurm`) of \(config.added): \(summary.files) input files, "
                    + "\(summary.documentsWritten) documents."
                : "- Runs: \(state.runs.count) committed (`winnow-state.json`); the last, run \(summary.runNumber) of \(config.added), read "
                    + "\(summary.files) input files and wrote \(summary.documentsWritten) documents.",
        ]
        var drops: [String] = []
        for stage in StageName.allCases {
            for (reason, count) in summary.stats[stage].dropped.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                drops.append("\(reason.rawValue) \(count) (\(stage.rawValue))")
            }
        }
        lines.append("- Dropped by the last run: " + (drops.isEmpty ? "none." : drops.joined(separator: ", ") + "."))
        lines.append("- Per run: `summary-RRRRRR.json`; the report: `report.html`.")
        return lines
    }

    static func stages(_ config: PipelineConfig) -> [String] {
        var names = ["read"]
        if config.urlFilter != nil { names.append("url_filter") }
        names += ["clean", "segment", "extract"]
        if config.language != nil { names.append("language") }
        if config.quality != nil { names.append("quality") }
        if config.dedup.enabled { names.append("dedup") }
        if config.pii != nil { names.append("pii") }
        return names + ["write"]
    }
}

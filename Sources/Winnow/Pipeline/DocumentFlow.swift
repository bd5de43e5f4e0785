import Foundation
import Synchronization
import WinnowCore
import WinnowDedup
import WinnowStages

/// The reader thread and the worker threads of a run: the reader walks the input files in order
/// and numbers their documents, `jobs` workers run the document stages on them, and `next()`
/// hands them back in input order. The queues between are bounded (`window` documents), so memory
/// depends on the settings, not on the input size.
final class DocumentFlow: Sendable {
    /// What the threads report, behind one lock.
    private struct Shared {
        var bytesDone = 0
        /// Documents read, known once the reader has finished.
        var total: Int?
        var readSeconds = 0.0
        var workerStats = RunStats()
        /// Input files that could not be read (a `read_error`): not finished, so the next run tries again.
        var failedFiles = Set<String>()
        /// Where a later run may read on in each file that can grow (after its last whole record).
        var resumeOffsets: [String: Int] = [:]
    }

    private let files: [InputFile]
    private let reader: ArchiveReader
    private let plan: PipelinePlan
    private let jobs: Int
    private let work: BoundedQueue<WorkItem?>
    private let results: ReorderBuffer<WorkItem>
    private let shared = Mutex(Shared())
    private let group = DispatchGroup()
    let totalBytes: Int
    /// What each file counts for in `fractionRead`: its bytes; a remote file, whose size is known
    /// only once read, the average of the local files' (1 when all are remote).
    private let weights: [Int]

    init(files: [InputFile], reader: ArchiveReader, plan: PipelinePlan, jobs: Int, window: Int) {
        self.files = files
        self.reader = reader
        self.plan = plan
        self.jobs = jobs
        work = BoundedQueue(capacity: window)
        results = ReorderBuffer(window: window)
        let local = files.filter { !RemotePath.isRemote($0.path) }
        let remoteWeight = local.isEmpty ? 1 : max(1, local.reduce(0) { $0 + $1.bytes } / local.count)
        weights = files.map { RemotePath.isRemote($0.path) ? remoteWeight : $0.bytes }
        totalBytes = max(1, weights.reduce(0, +))
    }

    /// Starts the reader and the workers. Each gets a serial queue of its own: such queues run on
    /// Dispatch's overcommit threads, one each at once. On the global concurrent queue these long,
    /// blocking loops waited for a pool sized to the cores, which lets a blocked thread's block
    /// wait about a second before it adds a thread (a second lost per run on one core).
    func start() {
        DispatchQueue(label: "winnow.read").async(group: group) { self.readAll() }
        for worker in 0..<jobs {
            DispatchQueue(label: "winnow.work.\(worker)").async(group: group) { self.workLoop() }
        }
    }

    private func readAll() {
        var sequence = 0
        var waited = 0.0
        let start = monotonicSeconds()
        for (i, file) in files.enumerated() {
            // Remote inputs: this one's download and the next ones', started ahead.
            reader.remote.prefetch(files[i...])
            var first = true
            let resume = reader.read(file) { origin, content in
                if case .dropped(let drop) = content, drop.reason == .readError {
                    shared.withLock { _ = $0.failedFiles.insert(file.path) }
                }
                let before = monotonicSeconds()
                results.reserve(sequence)
                var item = WorkItem(sequence: sequence, origin: origin, content: content)
                item.file = Int32(i)
                item.firstOfFile = first
                first = false
                work.push(item)
                waited += monotonicSeconds() - before
                sequence += 1
            }
            shared.withLock {
                $0.bytesDone += weights[i]
                if let resume { $0.resumeOffsets[file.path] = resume }
            }
        }
        let seconds = monotonicSeconds() - start - waited
        for _ in 0..<jobs { work.push(nil) }
        shared.withLock {
            $0.readSeconds = seconds
            $0.total = sequence
        }
        // The end mark, in sequence after the last document.
        results.put(sequence, WorkItem(sequence: sequence, origin: DocumentOrigin(id: "", source: .html, input: ""), content: .raw([])))
    }

    private func workLoop() {
        var stats = RunStats()
        while let item = work.pop() {
            results.put(item.sequence, plan.prepare(item, stats: &stats))
        }
        shared.withLock { $0.workerStats.merge(stats) }
    }

    /// The input files the reader could not read so far, and where each growable file it
    /// finished may be read on from (a checkpoint's view of the files before the current one).
    var readSoFar: (failedFiles: Set<String>, resumeOffsets: [String: Int]) {
        shared.withLock { ($0.failedFiles, $0.resumeOffsets) }
    }

    /// The next document in input order, nil after the last.
    func next() -> WorkItem? {
        let item = results.take()
        let end = shared.withLock { $0.total }
        return item.sequence == end ? nil : item
    }

    /// The share of input bytes in files the reader has finished.
    var fractionRead: Double { Double(shared.withLock { $0.bytesDone }) / Double(totalBytes) }

    /// Waits for the threads; the workers' counts, the reader's time (without its waits) and the
    /// files it could not read.
    func finish() -> (workerStats: RunStats, readSeconds: Double, failedFiles: Set<String>, resumeOffsets: [String: Int]) {
        group.wait()
        return shared.withLock { ($0.workerStats, $0.readSeconds, $0.failedFiles, $0.resumeOffsets) }
    }
}

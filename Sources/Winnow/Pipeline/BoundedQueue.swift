import Foundation
import WinnowCore
import WinnowDedup
import WinnowStages

/// A first-in, first-out queue with a capacity: `push` waits while it is full, `pop` waits while
/// it is empty. It connects the reader, the workers and the writer so memory stays bounded.
/// `@unchecked Sendable`: every access to its state holds `condition` (a `Mutex` has no waiting).
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private var items: [Element] = []
    private var head = 0
    private let capacity: Int
    private let condition = NSCondition()

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func push(_ item: Element) {
        condition.lock()
        while items.count - head >= capacity { condition.wait() }
        items.append(item)
        condition.broadcast()
        condition.unlock()
    }

    func pop() -> Element {
        condition.lock()
        while items.count - head == 0 { condition.wait() }
        let item = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        condition.unlock()
        return item
    }
}

/// Results that arrive in any order and leave in sequence order; `put` waits while the sequence
/// is more than `window` ahead of the next one expected, which bounds the documents in flight.
/// `@unchecked Sendable`: every access to its state holds `condition`.
final class ReorderBuffer<Element: Sendable>: @unchecked Sendable {
    private var waiting: [Int: Element] = [:]
    private var next = 0
    private let window: Int
    private let condition = NSCondition()

    init(window: Int) { self.window = max(1, window) }

    /// Waits until `sequence` is within the window of the next expected item (called before work starts).
    func reserve(_ sequence: Int) {
        condition.lock()
        while sequence >= next + window { condition.wait() }
        condition.unlock()
    }

    func put(_ sequence: Int, _ item: Element) {
        condition.lock()
        waiting[sequence] = item
        condition.broadcast()
        condition.unlock()
    }

    /// The item with the next sequence number, waiting for it.
    func take() -> Element {
        condition.lock()
        while waiting[next] == nil { condition.wait() }
        let item = waiting.removeValue(forKey: next)!
        next += 1
        condition.broadcast()
        condition.unlock()
        return item
    }
}

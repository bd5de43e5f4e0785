/// A parsed page reduced to what the pipeline needs: elements with their kept attributes and the
/// text between them, in one array of nodes and one buffer of UTF-8 text. Built from libxml2's
/// SAX events (see `HTMLParser`), it owns no C memory and can cross threads.
public struct HTMLTree: Sendable, Equatable {
    /// One element or run of text. Links are indices into `nodes`; -1 means none.
    public struct Node: Sendable, Equatable {
        public var tag: Tag
        public var parent: Int32
        public var firstChild: Int32 = -1
        public var lastChild: Int32 = -1
        public var nextSibling: Int32 = -1
        /// For text: the bytes in `text`. For elements: the kept attributes in `attributes`.
        public var start: Int32 = 0
        public var count: Int32 = 0
        /// Nesting depth below the root.
        public var depth: Int32

        public var isText: Bool { tag == .text }
    }

    /// One kept attribute: its name and its value's bytes in `text`.
    public struct Attribute: Sendable, Equatable {
        public var name: AttributeName
        public var start: Int32
        public var count: Int32
    }

    public internal(set) var nodes: [Node]
    public internal(set) var text: [UInt8] = []
    public internal(set) var attributes: [Attribute] = []
    /// Names of the elements not in `Tag.knownNames`, numbered from `Tag.knownNames.count`.
    public internal(set) var extraTagNames: [String] = []
    /// Elements deeper than the parser's limit, whose text went to their nearest kept ancestor.
    public internal(set) var flattenedElements = 0
    /// `<template>` elements parsed (a page without one has no streamed segments to place).
    public internal(set) var templates = 0
    /// Parsing stopped at the time limit; the tree holds what came before.
    public internal(set) var timedOut = false

    init() {
        nodes = [Node(tag: .root, parent: -1, depth: 0)]
    }

    /// The root's index (the document itself, parent of `<html>`).
    public static let root: Int32 = 0

    public subscript(_ index: Int32) -> Node { nodes[Int(index)] }

    /// The element's name as written in HTML.
    public func name(of tag: Tag) -> String {
        let raw = Int(tag.rawValue)
        if raw < Tag.knownNames.count { return Tag.knownNames[raw] }
        let extra = raw - Tag.knownNames.count
        return extra < extraTagNames.count ? extraTagNames[extra] : "unknown"
    }

    /// The children of `index`, in document order.
    public func children(of index: Int32) -> ChildSequence { ChildSequence(tree: self, cursor: nodes[Int(index)].firstChild) }

    /// Iterates the children of one node.
    public struct ChildSequence: Sequence, IteratorProtocol {
        let tree: HTMLTree
        var cursor: Int32
        public mutating func next() -> Int32? {
            guard cursor >= 0 else { return nil }
            defer { cursor = tree.nodes[Int(cursor)].nextSibling }
            return cursor
        }
    }

    /// The bytes of an attribute of an element, or nil when the element does not have it.
    public func attribute(_ name: AttributeName, of index: Int32) -> ArraySlice<UInt8>? {
        let node = nodes[Int(index)]
        if node.isText || node.count == 0 { return nil }
        for i in Int(node.start)..<Int(node.start + node.count) where attributes[i].name == name {
            let a = attributes[i]
            return text[Int(a.start)..<Int(a.start + a.count)]
        }
        return nil
    }

    /// An attribute as a String (made on each call; keep it out of hot loops).
    public func attributeString(_ name: AttributeName, of index: Int32) -> String? {
        attribute(name, of: index).map { String(decoding: $0, as: UTF8.self) }
    }

    /// All attributes of an element, in source order.
    public func attributes(of index: Int32) -> ArraySlice<Attribute> {
        let node = nodes[Int(index)]
        if node.isText { return [] }
        return attributes[Int(node.start)..<Int(node.start + node.count)]
    }

    /// The bytes of a text node.
    public func textBytes(of index: Int32) -> ArraySlice<UInt8> {
        let node = nodes[Int(index)]
        return text[Int(node.start)..<Int(node.start + node.count)]
    }

    /// Appends the text below `index` (all descendants, document order) to `out`; with
    /// `skipped`, not the text inside such elements (the JSON-LD scripts the tree keeps for the
    /// metadata).
    public func appendText(of index: Int32, to out: inout [UInt8], skipping skipped: Tag? = nil) {
        let node = nodes[Int(index)]
        if node.isText {
            out.append(contentsOf: text[Int(node.start)..<Int(node.start + node.count)])
            return
        }
        if node.tag == skipped { return }
        var child = node.firstChild
        while child >= 0 {
            appendText(of: child, to: &out, skipping: skipped)
            child = nodes[Int(child)].nextSibling
        }
    }

    /// The first element with `tag` in document order, or nil.
    public func first(_ tag: Tag, under start: Int32 = HTMLTree.root) -> Int32? {
        var found: Int32?
        walk(from: start) { index, node in
            if found != nil { return false }
            if node.tag == tag {
                found = index
                return false
            }
            return true
        }
        return found
    }

    /// Visits `start` and its descendants in document order; `visit` returns false to skip a subtree.
    /// Iterative over the sibling and parent links: no allocation, no recursion depth.
    public func walk(from start: Int32 = HTMLTree.root, _ visit: (Int32, Node) -> Bool) {
        var index = start
        while true {
            let node = nodes[Int(index)]
            if visit(index, node) && node.firstChild >= 0 {
                index = node.firstChild
                continue
            }
            // Next sibling, or the next sibling of the nearest ancestor that has one.
            var current = index
            while current != start && nodes[Int(current)].nextSibling < 0 {
                current = nodes[Int(current)].parent
                if current < 0 { return }
            }
            if current == start { return }
            index = nodes[Int(current)].nextSibling
        }
    }

    // MARK: building

    mutating func appendChild(_ node: Node) -> Int32 {
        let index = Int32(nodes.count)
        nodes.append(node)
        let parent = Int(node.parent)
        if nodes[parent].lastChild >= 0 {
            nodes[Int(nodes[parent].lastChild)].nextSibling = index
        } else {
            nodes[parent].firstChild = index
        }
        nodes[parent].lastChild = index
        return index
    }

    /// Puts the children of `source` in the place of `placeholder`, which leaves the tree (their
    /// depths follow). Nothing moves when `source` holds `placeholder` or either is detached.
    public mutating func moveChildren(of source: Int32, replacing placeholder: Int32) {
        let parent = nodes[Int(placeholder)].parent
        let first = nodes[Int(source)].firstChild
        let last = nodes[Int(source)].lastChild
        guard parent >= 0, first >= 0, nodes[Int(source)].parent >= 0 else { return }
        var ancestor = parent
        while ancestor >= 0 {
            if ancestor == source { return }
            ancestor = nodes[Int(ancestor)].parent
        }
        guard let previous = previousSibling(of: placeholder, under: parent) else { return }
        let delta = nodes[Int(parent)].depth + 1 - nodes[Int(first)].depth
        var moved = first
        while moved >= 0 {
            nodes[Int(moved)].parent = parent
            shiftDepth(of: moved, by: delta)
            moved = nodes[Int(moved)].nextSibling
        }
        nodes[Int(source)].firstChild = -1
        nodes[Int(source)].lastChild = -1
        let next = nodes[Int(placeholder)].nextSibling
        if previous >= 0 { nodes[Int(previous)].nextSibling = first } else { nodes[Int(parent)].firstChild = first }
        nodes[Int(last)].nextSibling = next
        if nodes[Int(parent)].lastChild == placeholder { nodes[Int(parent)].lastChild = last }
        nodes[Int(placeholder)].nextSibling = -1
        nodes[Int(placeholder)].parent = -1
    }

    /// The child of `parent` just before `index`: -1 when `index` is the first, nil when it is
    /// not a child of `parent`.
    private func previousSibling(of index: Int32, under parent: Int32) -> Int32? {
        var previous: Int32 = -1
        var child = nodes[Int(parent)].firstChild
        while child >= 0 && child != index {
            previous = child
            child = nodes[Int(child)].nextSibling
        }
        return child == index ? previous : nil
    }

    private mutating func shiftDepth(of top: Int32, by delta: Int32) {
        guard delta != 0 else { return }
        var stack = [top]
        while let index = stack.popLast() {
            nodes[Int(index)].depth += delta
            var child = nodes[Int(index)].firstChild
            while child >= 0 {
                stack.append(child)
                child = nodes[Int(child)].nextSibling
            }
        }
    }

    /// Removes `index` from its parent's children (its subtree stays in the arrays, unreachable).
    public mutating func detach(_ index: Int32) {
        let parent = nodes[Int(index)].parent
        guard parent >= 0, let previous = previousSibling(of: index, under: parent) else { return }
        let next = nodes[Int(index)].nextSibling
        if previous >= 0 { nodes[Int(previous)].nextSibling = next } else { nodes[Int(parent)].firstChild = next }
        if nodes[Int(parent)].lastChild == index { nodes[Int(parent)].lastChild = previous }
        nodes[Int(index)].nextSibling = -1
        nodes[Int(index)].parent = -1
    }
}

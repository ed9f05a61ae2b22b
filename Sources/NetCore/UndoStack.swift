/// The undo steps of a multi-step host operation: each step registers how to take itself back
/// right after it succeeded, and a failure later on runs them newest first.
///
/// Undo steps are best effort (their own errors are dropped): the error the caller reports is the
/// one that made the operation fail.
public struct UndoStack {
    private var steps: [() -> Void] = []

    /// An empty stack.
    public init() {}

    /// Registers the undo of a step that just succeeded.
    public mutating func push(_ step: @escaping () -> Void) { steps.append(step) }

    /// Runs every registered undo, newest first, and forgets them.
    public mutating func unwind() {
        for step in steps.reversed() { step() }
        steps.removeAll()
    }

    /// Forgets every registered undo without running it: the operation succeeded as a whole.
    public mutating func forget() { steps.removeAll() }
}

import NetCore
import Testing

@Test func undoStackRunsNewestFirstAndOnlyOnce() {
    final class Log { var entries: [Int] = [] }
    let log = Log()
    var undo = UndoStack()
    for step in 1...3 { undo.push { log.entries.append(step) } }
    undo.unwind()
    undo.unwind()
    #expect(log.entries == [3, 2, 1])
}

@Test func undoStackForgetDropsEverySteps() {
    final class Log { var entries: [Int] = [] }
    let log = Log()
    var undo = UndoStack()
    undo.push { log.entries.append(1) }
    undo.forget()
    undo.unwind()
    #expect(log.entries.isEmpty)
}

@Test func eventHubDeliversInOrderToSubscribersAndObservers() async {
    let hub = EventHub<Int>()
    let seen = Lock()
    nonisolated(unsafe) var observed: [Int] = []
    let observer = hub.observe { value in seen.withLock { observed.append(value) } }
    let (id, events) = hub.subscribe()
    for value in 1...5 { hub.publish(value) }
    hub.unsubscribe(id)
    var received: [Int] = []
    for await value in events { received.append(value) }
    #expect(received == [1, 2, 3, 4, 5])
    hub.unsubscribe(observer)
    hub.publish(6)
    #expect(seen.withLock { observed } == [1, 2, 3, 4, 5])
}

import Foundation
import HostNet
import InterfaceDriver
import NetCore
import Testing
import TestSupport

/// The transaction deadline protects the host (a bad change of its uplink rolls back by itself), so
/// it must fire while the process's async pool is saturated — the full parallel test run once saw
/// it not fire for 119 s.
@Suite("Interface transaction deadline under load")
struct DeadlineUnderLoadTests {
    @Test func deadlineFiresWhileTheCooperativePoolIsSaturated() throws {
        let directory = InterfaceTransactionTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = FakeHostInterfaces(InterfaceTransactionTests.host)
        let driver = try InterfaceTransactionTests.driver(directory, host)
        let hog = CooperativePoolHog()
        defer { hog.release() }
        // No wait for a spinner to start: this test's body and its neighbours' may already hold
        // every pool thread (they poll with usleep), which saturates the pool just the same.
        try driver.begin(timeout: 0.5)
        host.change { $0.routes.removeAll() }
        // Before the timer had a thread of its own this never held while the hog ran.
        let rolledBack = InterfaceTransactionTests.waitUntil(seconds: 15) { (try? driver.status()) == nil }
        let pinned = !hog.poolHadASpareThread
        hog.release()
        #expect(rolledBack, "the deadline did not fire while the cooperative pool was busy")
        #expect(pinned, "the pool was not saturated: the test proves nothing")
        #expect(driver.lastAutomaticRollback?.reason == .deadline)
        #expect(host.current.routes == InterfaceTransactionTests.host.routes)
        let age = driver.lastAutomaticRollback?.age ?? .infinity
        #expect(age < 15)
        print("deadline 0.5 s fired after \(age) s with the cooperative pool saturated")
    }

    @Test func aDeadlineArmedAfterARollbackFiresAndTheOldOneDoesNot() throws {
        let directory = InterfaceTransactionTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = FakeHostInterfaces(InterfaceTransactionTests.host)
        let driver = try InterfaceTransactionTests.driver(directory, host)
        try driver.begin(timeout: 0.3)
        try driver.rollback()
        #expect(driver.lastAutomaticRollback == nil, "a requested rollback is not automatic")
        // The cancelled 0.3 s deadline must not end this transaction; its own 1 s one must.
        try driver.begin(timeout: 1)
        host.change { $0.routes.removeAll() }
        #expect(InterfaceTransactionTests.waitUntil { (try? driver.status()) == nil })
        let record = try #require(driver.lastAutomaticRollback)
        #expect(record.reason == .deadline)
        #expect(record.age >= 1, "fired at \(record.age) s, before its own deadline")
        #expect(host.current.routes == InterfaceTransactionTests.host.routes)
    }
}

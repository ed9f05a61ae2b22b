import Glibc
import HostOS
import NetCore
import TestSupport
import Testing

@Suite("Host commands and the process table", .serialized)
struct HostCommandTests {
    @Test func commandsRunInTheNamespaceAndReportFailures() throws {
        try TestNamespace.with { ns in
            let links = try HostCommand.run("/usr/sbin/ip", ["-o", "link"], namespace: ns.path).output
            #expect(links.split(separator: "\n").count == 1, "only lo exists in a fresh namespace")
            let echoed = try HostCommand.run("/usr/bin/cat", [], input: String(repeating: "x", count: 200_000)).output
            #expect(echoed.count == 200_000)
            #expect(throws: PatchbayError.self) { try HostCommand.run("/usr/sbin/tc", ["qdisc", "show", "dev", "nosuch0"]) }
            #expect(throws: PatchbayError.self) { try HostCommand.run("/nonexistent/tool", []) }
        }
    }

    @Test func processTableSeesAStartedChildUntilItIsReaped() throws {
        let pid = try HostCommand.start("/usr/bin/sleep", ["30"])
        // The vfork parent resumes as soon as the child's exec replaced its memory, a moment before
        // the kernel has set up the new argument area: an empty command line until then.
        var entry = try #require(ProcessTable.entry(pid))
        for _ in 0..<200 where entry.commandLine.isEmpty {
            usleep(10_000)
            entry = try #require(ProcessTable.entry(pid))
        }
        #expect(entry.parent == getpid())
        #expect(entry.command == "sleep")
        #expect(entry.commandLine == "/usr/bin/sleep 30 ")
        #expect(ProcessTable.isAlive(pid))
        #expect(ProcessTable.all().contains { $0.pid == pid })
        kill(pid, SIGKILL)
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(!ProcessTable.isAlive(pid))
        #expect(ProcessTable.entry(pid) == nil)
    }

    @Test func namespaceWorkRunsOffTheCallersThread() throws {
        try TestNamespace.with { ns in
            let here = try #require(AtomicFile.readText("/proc/thread-self/net/dev"))
            let there = try NetworkNamespace.run(in: ns.path) { () throws(PatchbayError) -> String in
                AtomicFile.readText("/proc/thread-self/net/dev") ?? ""
            }.get()
            #expect(there.split(separator: "\n").count == 3, "a fresh namespace lists only lo under two header lines")
            #expect(AtomicFile.readText("/proc/thread-self/net/dev") == here, "the caller's thread never changed namespace")
            #expect(throws: PatchbayError.self) { try NetworkNamespace.run(in: "/nonexistent/netns") { () throws(PatchbayError) in 1 }.get() }
        }
    }

    @Test func sysctlWritesInsideTheNamespace() throws {
        try TestNamespace.with { ns in
            try Sysctl.enableForwarding(namespace: ns.path)
            let value = try NetworkNamespace.run(in: ns.path) { () throws(PatchbayError) -> String in
                AtomicFile.readText("/proc/sys/net/ipv4/ip_forward") ?? ""
            }.get()
            #expect(value == "1\n")
        }
    }
}

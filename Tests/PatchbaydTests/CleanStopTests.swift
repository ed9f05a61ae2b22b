import Foundation
import Glibc
import Testing

/// SIGTERM is patchbayd's clean stop (upgrades restart it): the restart snapshot is written and
/// the process exits 0, whenever the signal comes.
@Suite("clean stop", .serialized)
struct CleanStopTests {
    @Test("a SIGTERM sent the moment the sockets exist is a clean stop: never lost, never fatal")
    func stopAsSoonAsReady() throws {
        let harness = try DaemonHarness(arguments: ["--host", "inert"])
        defer { harness.cleanUp() }
        let snapshot = "\(harness.stateDirectory)/restart-snapshot"
        for round in 1...20 {
            try harness.start(pollMicroseconds: 50)
            let outcome = try #require(harness.stop())
            #expect(outcome.stoppedBySignal, "round \(round): SIGTERM was lost, the daemon kept running\n\(harness.log(tail: 10))")
            #expect(outcome.clean, "round \(round): the daemon died of the signal instead of stopping\n\(harness.log(tail: 10))")
            // The mechanism: the stop path ran to its end (the next start takes the file).
            #expect(FileManager.default.fileExists(atPath: snapshot), "round \(round): no restart snapshot")
            if !outcome.clean { break }
        }
    }

    @Test("three networks and 200 ports made through the CLI: a clean stop, all ports back after it")
    func stopWithPorts() throws {
        try DaemonHarness.with { daemon in
            for index in 0..<3 {
                let xml = try daemon.file("s\(index).xml", Fixtures.network("s\(index)", bridge: "pbs\(index)"))
                #expect(try daemon.cli("net-define", xml).status == 0)
                #expect(try daemon.cli("net-start", "s\(index)").status == 0)
            }
            for index in 0..<200 {
                let uuid = UUID().uuidString.lowercased()
                let port = try daemon.file("p.xml", Fixtures.port(uuid, mac: String(format: "52:54:00:10:%02x:%02x", index / 256, index % 256)))
                let result = try daemon.cli("net-port-create", "s\(index % 3)", port)
                #expect(result.status == 0, "\(result)")
            }
            let outcome = try #require(daemon.stop())
            #expect(outcome.clean, "\(daemon.log(tail: 10))")
            print("clean stop with 3 networks and 200 ports: \(Int(outcome.seconds * 1000)) ms")
            try daemon.start()
            let counts = try (0..<3).map { index in
                try daemon.cli("net-port-list", "s\(index)", "--json").output.components(separatedBy: "\"uuid\"").count - 1
            }
            #expect(counts == [67, 67, 66])
        }
    }
}

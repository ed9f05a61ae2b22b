// Network driver costs: define/start/destroy/undefine latency with 1, 100 and 1,000 networks
// defined, port create/delete throughput up to 10,000 ports, and restart-to-first-answer with
// 10,000 ports. The host is inert (or the real one with --linux NAMESPACE-less runs later), so
// this measures the driver itself: parsing, validation, allocation, crash-safe files, recovery.
import Foundation
import NetCore
import NetDriver

/// Runs the driver benchmark in a scratch directory under `root`.
func driverBench(root: String, ports portCount: Int) throws {
    let scratch = "\(root)/pb-driver-bench-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let config = "\(scratch)/etc", state = "\(scratch)/run"
    let host = InertNetworkHost()
    var driver = try NetworkDriver(configDirectory: config, stateDirectory: state, host: host)
    func network(_ index: Int) -> String {
        "<network><name>bn\(index)</name><forward mode='bridge'/><bridge name='br\(index % 4096)'/></network>"
    }
    print("Network driver (inert host: the driver's own work, crash-safe files included)")
    print(String(repeating: "-", count: 78))
    print("networks defined   define+start+destroy+undefine median (ms)   p90 (ms)")
    var defined = 0
    for target in [1, 100, 1000] {
        while defined < target {
            try driver.define(xml: network(defined))
            defined += 1
        }
        var samples: [Double] = []
        for cycle in 0..<50 {
            let xml = "<network><name>cycle\(cycle)</name><forward mode='bridge'/><bridge name='brc'/></network>"
            samples.append(try timed {
                try driver.define(xml: xml)
                try driver.start(name: "cycle\(cycle)")
                try driver.destroy(name: "cycle\(cycle)")
                try driver.undefine(name: "cycle\(cycle)")
            })
        }
        let sorted = samples.sorted()
        print(String(format: "%16d %44.3f %10.3f", target, median(samples), sorted[sorted.count * 9 / 10] * 1000))
    }
    try driver.start(name: "bn0")
    var uuids: [LibvirtUUID] = []
    let create = try timed {
        for index in 0..<portCount {
            let uuid = LibvirtUUID.random()
            let xml = "<networkport><uuid>\(uuid)</uuid><owner><name>g\(index)</name><uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid></owner>"
                + String(format: "<mac address='52:54:00:%02x:%02x:%02x'/></networkport>", (index >> 16) & 0xFF, (index >> 8) & 0xFF, index & 0xFF)
            try driver.createPort(network: "bn0", xml: xml)
            uuids.append(uuid)
        }
    }
    // Restart: a new driver over the same directories, timed to its first answer (the old one is
    // let go first, as a stopped daemon's would be).
    func restarted() throws -> (seconds: Double, kept: Int) {
        driver = try NetworkDriver(configDirectory: config, stateDirectory: "\(scratch)/unused-\(getpid())", host: host)
        var kept = 0
        let seconds = try timed {
            let restarted = try NetworkDriver(configDirectory: config, stateDirectory: state, host: host)
            kept = try restarted.ports(network: "bn0").count
            driver = restarted
        }
        return (seconds, kept)
    }
    let (restart, answered) = try restarted()
    // The same after a clean stop, which leaves the restart snapshot behind.
    try driver.saveRestartSnapshot()
    let (cleanRestart, answeredClean) = try restarted()
    let delete = try timed {
        for uuid in uuids { try driver.deletePort(network: "bn0", port: uuid) }
    }
    print("")
    print(String(format: "ports: create %d at %.0f/s, delete at %.0f/s", portCount, Double(portCount) / create, Double(portCount) / delete))
    print(String(format: "restart to first answer with %d networks and %d ports: %.1f ms (%d ports kept) as after a crash, "
                 + "%.1f ms (%d kept) after a clean stop (restart snapshot)", defined, portCount, restart * 1000, answered,
                 cleanRestart * 1000, answeredClean))
}

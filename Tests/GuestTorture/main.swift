import Foundation
import Glibc
import GuestDriver
import HostNet
import HostOS
import NetCore
import NetDriver

/// A guest driver process to SIGKILL at random moments (GuestDriverKillTests):
///   setup ROOT NS            network "a" (defined, started) in namespace NS
///   run ROOT NS KERNEL INITRD start and destroy guest "tg" in a loop until killed
///   verify ROOT NS           open the drivers (recovery) and check the guest is consistent:
///                            running with its one QEMU, its taps and one port on "a"; or shut
///                            off with no QEMU, no tap, no port, no run file. Exit 1 otherwise.
///   cleanup ROOT NS          destroy the guest and the network
struct Stack {
    let networks: NetworkDriver
    let guests: GuestDriver

    init(root: String, namespace: String) throws {
        networks = try NetworkDriver(configDirectory: root + "/etc", stateDirectory: root + "/run",
                                     host: try LinuxNetworkHost(namespace: namespace))
        let wiring = try NICWiring(stateDirectory: root + "/run", networks: networks,
                                   attachment: try LinuxGuestNICAttachment(namespace: namespace))
        guests = try GuestDriver(configDirectory: root + "/etc", stateDirectory: root + "/run",
                                 host: LinuxGuestHost(namespace: namespace), nics: wiring, networks: networks)
    }
}

func domainXML(kernel: String, initrd: String) -> String {
    """
    <domain type='qemu'><name>tg</name><uuid>5e0c0000-0000-4000-8000-0000000000aa</uuid>
      <memory unit='MiB'>128</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type><kernel>\(kernel)</kernel><initrd>\(initrd)</initrd><cmdline>console=ttyS0 quiet</cmdline></os>
      <devices>
        <interface type='network'><mac address='52:54:00:5e:00:01'/><source network='a'/><model type='virtio'/></interface>
        <interface type='null'><mac address='52:54:00:5e:00:02'/><model type='virtio'/></interface>
        <memballoon model='none'/>
      </devices>
    </domain>
    """
}

/// QEMU processes alive (not zombies) in the namespace.
func qemusIn(_ namespace: String) -> [pid_t] {
    let name = String(namespace.split(separator: "/").last ?? "")
    let output = (try? HostCommand.run("/usr/sbin/ip", ["netns", "pids", name]).output) ?? ""
    return output.split(separator: "\n").compactMap { pid_t($0) }.filter { pid in
        guard let entry = ProcessTable.entry(pid) else { return false }
        return !entry.isZombie && entry.command.hasPrefix("qemu")
    }
}

/// vnet taps in the namespace.
func tapsIn(_ namespace: String) -> [String] {
    let output = (try? HostCommand.run("/usr/sbin/ip", ["-o", "link", "show"], namespace: namespace).output) ?? ""
    return output.split(separator: "\n").compactMap { line in
        let parts = line.split(separator: ":")
        guard parts.count > 1 else { return nil }
        let name = parts[1].trimmingCharacters(in: .whitespaces).split(separator: "@").first.map(String.init) ?? ""
        return name.hasPrefix("vnet") ? name : nil
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: patchbay-guest-torture setup|run|verify|cleanup ROOT NS [KERNEL INITRD]\n".utf8))
    exit(2)
}
let (mode, root, namespace) = (arguments[1], arguments[2], arguments[3])
do {
    switch mode {
    case "setup":
        let stack = try Stack(root: root, namespace: namespace)
        _ = try stack.networks.define(xml: "<network><name>a</name><bridge name='pbtg' stp='off'/><ip address='10.233.0.1' prefix='24'/></network>")
        try stack.networks.start(name: "a")
    case "run":
        let stack = try Stack(root: root, namespace: namespace)
        if (try? stack.guests.lookup(name: "tg")) == nil {
            _ = try stack.guests.define(xml: domainXML(kernel: arguments[4], initrd: arguments[5]))
        }
        var random = SystemRandomNumberGenerator()
        // The journal says which operation a kill interrupted ("B op" without its "E op").
        let journal = open(root + "/journal", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        func note(_ line: String) { _ = (line + "\n").withCString { write(journal, $0, strlen($0)) } }
        while true {
            if (try? stack.guests.lookup(name: "tg").state) == .shutOff {
                note("B start")
                _ = try stack.guests.start(name: "tg", paused: false)
                note("E start")
            }
            usleep(UInt32.random(in: 0...300_000, using: &random))
            note("B destroy")
            try stack.guests.destroy(name: "tg")
            note("E destroy")
        }
    case "verify":
        let stack = try Stack(root: root, namespace: namespace)
        var problems = stack.guests.recoveryProblems().filter { !$0.contains("died while patchbayd was away") }
        let summary = try stack.guests.lookup(name: "tg")
        let qemus = qemusIn(namespace), taps = tapsIn(namespace)
        let ports = try stack.networks.ports(network: "a").count
        let runFiles = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/run/qemu")) ?? []).filter { $0.hasSuffix(".run") }
        if summary.state == .running {
            if qemus.count != 1 { problems.append("running, but \(qemus.count) QEMU processes") }
            if taps.count != 2 { problems.append("running, but taps \(taps)") }
            if ports != 1 { problems.append("running, but \(ports) ports on a") }
            if runFiles != ["tg.run"] { problems.append("running, but run files \(runFiles)") }
        } else {
            if !qemus.isEmpty { problems.append("shut off, but QEMU \(qemus) runs") }
            if !taps.isEmpty { problems.append("shut off, but taps \(taps)") }
            if ports != 0 { problems.append("shut off, but \(ports) ports on a") }
            if !runFiles.isEmpty { problems.append("shut off, but run files \(runFiles)") }
        }
        print("state \(summary.state == .running ? "running" : "shutoff")")
        for problem in problems { print("PROBLEM \(problem)") }
        exit(problems.isEmpty ? 0 : 1)
    case "cleanup":
        let stack = try Stack(root: root, namespace: namespace)
        try? stack.guests.destroy(name: "tg")
        try? stack.networks.destroy(name: "a")
    default:
        exit(2)
    }
} catch {
    print("ERROR \(error)")
    exit(1)
}

import GuestDriver
import HostNet
import HostOS
import NetCore
import NetDriver

/// The guest driver patchbayd serves on virtqemud-sock: QEMU guests on the real machine, their
/// NICs wired into the daemon's networks. QEMU itself is needed only to start a guest, so the
/// daemon serves the socket whether or not QEMU is installed.
enum GuestService {
    static func open(configDirectory: String, stateDirectory: String, networks: NetworkDriver,
                     emulator: String, linkDownHoldMicroseconds: UInt64) throws(PatchbayError) -> GuestDriver {
        let wiring = try NICWiring(stateDirectory: stateDirectory, networks: networks, attachment: try LinuxGuestNICAttachment(),
                                   linkDownHoldMicroseconds: linkDownHoldMicroseconds)
        return try GuestDriver(configDirectory: configDirectory, stateDirectory: stateDirectory, host: LinuxGuestHost(),
                               nics: wiring, networks: networks, defaultEmulator: emulator)
    }

    /// The emulator's version in libvirt's encoding (major * 1,000,000 + minor * 1,000 + micro),
    /// read from `--version` ("QEMU emulator version 7.2.22 (Debian …)"); 0 when it cannot run.
    static func hypervisorVersion(emulator: String) -> UInt64 {
        guard let outcome = try? HostCommand.spawnAndWait(emulator, ["--version"]), outcome.status == 0 else { return 0 }
        let words = outcome.output.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard let index = words.firstIndex(of: "version"), index + 1 < words.count else { return 0 }
        let numbers = words[index + 1].prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { UInt64($0) }
        guard numbers.count >= 2 else { return 0 }
        return numbers[0] * 1_000_000 + numbers[1] * 1_000 + (numbers.count > 2 ? numbers[2] : 0)
    }
}

import CLinuxUAPI
import Glibc
import NetCore

/// posix_spawn with the setup every child of the daemon shares: default signal handling and an
/// empty signal mask whatever the daemon has changed, a fixed PATH and the C locale.
enum ChildSpawn {
    /// Spawns `executable`; `fileActions` sets up the child's descriptors.
    ///
    /// - Parameters:
    ///   - environment: `NAME=value` entries added after PATH and LC_ALL=C.
    ///   - flags: posix_spawn flags added to SETSIGDEF and SETSIGMASK (e.g. SETSID).
    static func spawn(_ executable: String, _ arguments: [String], environment: [String], flags: Int16 = 0,
                      fileActions: (inout posix_spawn_file_actions_t) throws(PatchbayError) -> Void)
        throws(PatchbayError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        try fileActions(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK) | flags)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let variables = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"] + environment
        let environ = variables.map { strdup($0) } + [nil]
        defer { for pointer in environ { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw .system("Unable to run '\(executable)'", errno: result) }
        return pid
    }

    /// Gives the child `descriptor` as its standard stream `target` (0, 1 or 2), or /dev/null.
    static func standardStream(_ target: Int32, from descriptor: Int32?, _ actions: inout posix_spawn_file_actions_t) {
        if let descriptor {
            posix_spawn_file_actions_adddup2(&actions, descriptor, target)
        } else {
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
        }
    }
}

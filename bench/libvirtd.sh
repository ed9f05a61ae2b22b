# Debian's libvirtd 9.0 beside Patchbay, as ../shared/libvirtd-baseline.md says: its own network
# namespace, its directories bind-mounted from a scratch folder in a private mount namespace, its
# QEMU driver configured for this machine (root, no security driver, no cgroups, no namespaces).
# Source this file, then:
#   libvirtd_prepare SCRATCH         writes SCRATCH/{etc,run,lib,log,cache}; returns 1 without libvirtd
#   libvirtd_start NAMESPACE SCRATCH LOG
#                                    starts it in the background; sets lvpid (libvirtd's own PID) and
#                                    lvcommand (the command, for restarts); waits for SCRATCH/run/libvirt-sock
#   libvirtd_stop                    SIGTERM to lvpid, waits for it (polling: it may not be our child)
# Clients: qemu:///system?socket=SCRATCH/run/libvirt-sock (network calls on the same socket).

libvirtd_prepare() {
    local lv=$1
    command -v libvirtd >/dev/null || return 1
    # libvirt 9.0 builds an isolated or NAT network's firewall with iptables.
    command -v iptables >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null; }
    # Its QEMU driver resolves the compiled-in user before it reads qemu.conf, and aborts without it.
    getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
    getent group kvm >/dev/null || groupadd -r kvm
    getent passwd libvirt-qemu >/dev/null || useradd -r -g libvirt-qemu -s /usr/sbin/nologin libvirt-qemu
    mkdir -p "$lv/etc" "$lv/run" "$lv/lib" "$lv/log" "$lv/cache"
    cp -a /etc/libvirt/. "$lv/etc/"
    rm -f "$lv"/etc/qemu/networks/autostart/*
    cat >"$lv/etc/qemu.conf" <<'CONF'
user = "root"
group = "root"
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
dynamic_ownership = 0
CONF
    # Bind mounts need their mount points on the host's file system (empty folders).
    local dir
    for dir in /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do mkdir -p "$dir"; done
}

libvirtd_start() {
    local ns=$1 lv=$2 log=$3
    # unshare and sh exec in turn, so the PID is libvirtd's own.
    lvcommand=(ip netns exec "$ns" unshare -m sh -c "mount --make-rprivate / && mount --bind '$lv/etc' /etc/libvirt && \
        mount --bind '$lv/run' /run/libvirt && mount --bind '$lv/lib' /var/lib/libvirt && \
        mount --bind '$lv/log' /var/log/libvirt && mount --bind '$lv/cache' /var/cache/libvirt && exec libvirtd")
    "${lvcommand[@]}" >>"$log" 2>&1 &
    lvpid=$!
    local _
    # The first start probes QEMU's capabilities (~7 s here, more on a loaded machine).
    for _ in $(seq 1200); do [ -S "$lv/run/libvirt-sock" ] && return 0; kill -0 "$lvpid" 2>/dev/null || break; sleep 0.05; done
    echo "libvirtd did not start; its log:" >&2
    tail -n 30 "$log" >&2
    return 1
}

libvirtd_stop() {
    [ -n "${lvpid:-}" ] || return 0
    kill "$lvpid" 2>/dev/null || return 0
    local _
    for _ in $(seq 200); do kill -0 "$lvpid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$lvpid" 2>/dev/null || true
}

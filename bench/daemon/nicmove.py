#!/usr/bin/python3
"""Live NIC moves of a real guest (the tiny test guest, TCG) through libvirt-python, against any
daemon that serves libvirt's QEMU driver (patchbayd's virtqemud-sock or libvirtd 9.0).

Usage: nicmove.py URI SCRATCH KERNEL INITRD REPS OUTAGE_REPS CAP_S [DHCP_REPS [NETWORK_URI]]
NETWORK_URI serves the network calls when URI does not (patchbayd's virtnetworkd-sock).
The caller's namespace holds: bridge brhost (10.60.4.1/24, stp off) and a veth pair whose end
pbdir0 is the direct network's parent and whose end pbpeer0 holds the peer 10.60.3.1/24.
Prints progress on stderr and one JSON object on stdout.

The guest's eth0 holds one static address in every destination's subnet (10.60.N.50/24), so an
address is valid wherever it lands; it probes every destination's gateway (or peer) every 100 ms.
A move's outage is the gap, in the guest's own clock, between the last probe answered on the
source and the first answered on the destination (up to ~100 ms: no probe lost); "confirmed" is the host's
time from the call until that probe's answer shows on the serial console. eth1 takes DHCP on
networks c/d: the renewal is the time from the guest seeing its link go down to the new lease.
"""
import json, os, re, statistics, sys, time
import libvirt

URI, SCRATCH, KERNEL, INITRD = sys.argv[1:5]
REPS, OUTAGE_REPS, CAP = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
DHCP_REPS = int(sys.argv[8]) if len(sys.argv) > 8 else 2
NETWORK_URI = sys.argv[9] if len(sys.argv) > 9 else URI
MAC0, MAC1 = "52:54:00:be:00:01", "52:54:00:be:00:02"
SERIAL = os.path.join(SCRATCH, "bench-guest-serial.log")

NETWORKS = {
    "a": "<network><name>a</name><bridge name='pbba' stp='off' delay='0'/>"
         "<ip address='10.60.1.1' prefix='24'/></network>",
    "b": "<network><name>b</name><bridge name='pbbb' stp='off' delay='0'/>"
         "<ip address='10.60.2.1' prefix='24'/></network>",
    "dir": "<network><name>dir</name><forward mode='private'><interface dev='pbdir0'/></forward></network>",
    "nat": "<network><name>nat</name><forward mode='nat'/><bridge name='pbbn' stp='off' delay='0'/>"
           "<ip address='10.60.5.1' prefix='24'/></network>",
    "c": "<network><name>c</name><bridge name='pbbc' stp='off' delay='0'/><ip address='10.60.6.1' prefix='24'>"
         "<dhcp><range start='10.60.6.100' end='10.60.6.150'/></dhcp></ip></network>",
    "d": "<network><name>d</name><bridge name='pbbd' stp='off' delay='0'/><ip address='10.60.7.1' prefix='24'>"
         "<dhcp><range start='10.60.7.100' end='10.60.7.150'/></dhcp></ip></network>",
}
# Destination kind -> (interface source XML, the address the guest probes there).
PLACES = {
    "a": ("<interface type='network'><source network='a'/>", "10.60.1.1"),
    "b": ("<interface type='network'><source network='b'/>", "10.60.2.1"),
    "dir": ("<interface type='network'><source network='dir'/>", "10.60.3.1"),
    "host": ("<interface type='bridge'><source bridge='brhost'/>", "10.60.4.1"),
    "nat": ("<interface type='network'><source network='nat'/>", "10.60.5.1"),
}
LABELS = {"a": "bridge-net A", "b": "bridge-net B", "dir": "direct (private)", "host": "host bridge", "nat": "NAT net"}
# One round: every kind once as source and once as destination.
ROUND = [("a", "b"), ("b", "a"), ("a", "dir"), ("dir", "a"), ("a", "host"), ("host", "a"), ("a", "nat"), ("nat", "a")]


def interface(place, mac=MAC0):
    source, _ = PLACES[place]
    return source + "<mac address='%s'/><model type='virtio'/></interface>" % mac


def domain_xml():
    nets = " ".join("pb.net=eth0,10.60.%d.50/24" % n for n in (1, 2, 3, 4, 5))
    probes = ",".join(target for _, target in PLACES.values())
    return f"""<domain type='qemu'>
  <name>benchguest</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{KERNEL}</kernel><initrd>{INITRD}</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 {nets} pb.net=eth1,dhcp pb.probe={probes} pb.interval=100</cmdline></os>
  <on_reboot>destroy</on_reboot>
  <devices>
    {interface("a")}
    <interface type='network'><source network='c'/><mac address='{MAC1}'/><model type='virtio'/></interface>
    <serial type='file'><source path='{SERIAL}'/><target port='0'/></serial>
  </devices>
</domain>"""


class Serial:
    """The guest's serial console file, read as it grows; lines are kept with their index."""

    def __init__(self, path):
        self.path, self.offset, self.lines, self.partial = path, 0, [], ""

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return
        self.offset += len(data)
        text = self.partial + data.decode("utf-8", "replace")
        *complete, self.partial = text.split("\n")
        self.lines.extend(line.strip("\r") for line in complete)

    def mark(self):
        self.poll()
        return len(self.lines)

    def wait(self, predicate, after, seconds):
        """The first line from index `after` on that matches, polling every 5 ms; None after `seconds`."""
        deadline = time.monotonic() + seconds
        index = after
        while True:
            self.poll()
            while index < len(self.lines):
                match = predicate(self.lines[index])
                if match:
                    return match
                index += 1
            if time.monotonic() > deadline:
                return None
            time.sleep(0.005)


PROBE = re.compile(r"PROBE (\d+) (\S+) (ok|fail)")


def probe_ok(target):
    def match(line):
        m = PROBE.search(line)
        return int(m.group(1)) if m and m.group(2) == target and m.group(3) == "ok" else None
    return match


def last_ok_before(serial, target, before_ms):
    """The send time of the last probe to `target` answered and sent before `before_ms` (guest clock)."""
    best = None
    for line in serial.lines:
        m = PROBE.search(line)
        if m and m.group(2) == target and m.group(3) == "ok" and int(m.group(1)) < before_ms:
            best = max(best or 0, int(m.group(1)))
    return best


def latest_probe(serial):
    """The latest probe's send time seen so far: the guest's clock at about now."""
    times = [int(m.group(1)) for m in map(PROBE.search, serial.lines[-60:]) if m]
    return max(times) if times else 0


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def log(*words):
    print(*words, file=sys.stderr, flush=True)


def main():
    conn = libvirt.open(URI)
    netconn = libvirt.open(NETWORK_URI) if NETWORK_URI != URI else conn
    for name in NETWORKS:
        netconn.networkCreateXML(NETWORKS[name])
    if os.path.exists(SERIAL):
        os.unlink(SERIAL)
    serial = Serial(SERIAL)
    started = time.monotonic()
    dom = conn.createXML(domain_xml(), 0)
    result = {"moves": {}, "dhcp": {}}
    try:
        # Booted: eth0 reaches A's gateway, eth1 has its lease on c.
        if serial.wait(probe_ok(PLACES["a"][1]), 0, 180) is None:
            raise SystemExit("the guest never reached A; serial:\n" + "\n".join(serial.lines[-30:]))
        serial.wait(lambda line: "DHCP" in line and "10.60.6." in line, 0, 60)
        result["boot_to_first_probe_s"] = time.monotonic() - started
        log("guest up in %.1f s" % result["boot_to_first_probe_s"])
        here = "a"
        for rep in range(REPS):
            for source, destination in ROUND:
                entry = result["moves"].setdefault("%s>%s" % (source, destination), {"call_ms": [], "outage_ms": [], "confirmed_ms": [], "refused": None, "timeouts": 0})
                if here != source:
                    continue  # the previous move was refused: this pair's source was never reached
                if entry["refused"]:
                    continue
                mark = serial.mark()
                guest_now = latest_probe(serial)
                before = time.perf_counter()
                try:
                    dom.updateDeviceFlags(interface(destination), libvirt.VIR_DOMAIN_AFFECT_LIVE)
                except libvirt.libvirtError as error:
                    entry["refused"] = error.get_error_message()
                    log("%s>%s refused: %s" % (source, destination, entry["refused"]))
                    continue
                entry["call_ms"].append((time.perf_counter() - before) * 1000)
                here = destination
                if len(entry["outage_ms"]) + entry["timeouts"] >= OUTAGE_REPS:
                    # Only the call is timed (libvirtd's guest takes tens of seconds to arrive).
                    time.sleep(0.3)
                    continue
                arrived = serial.wait(probe_ok(PLACES[destination][1]), mark, CAP)
                if arrived is None:
                    entry["timeouts"] += 1
                    log("%s>%s: the guest did not reach the destination within %.0f s" % (source, destination, CAP))
                    continue
                entry["confirmed_ms"].append((time.perf_counter() - before) * 1000)
                # A probe sent up to its 1 s wait before the move can be answered after it (its ARP
                # request retried on the destination): it arrived no earlier than the move itself.
                arrived = max(arrived, guest_now)
                left = last_ok_before(serial, PLACES[source][1], arrived)
                if left is not None:
                    entry["outage_ms"].append(arrived - left)
            log("round %d/%d done" % (rep + 1, REPS))

        # DHCP renewal on eth1: c -> d -> c ...
        here, renewals, dhcp_timeouts = "c", [], 0
        for rep in range(DHCP_REPS):
            destination = "d" if here == "c" else "c"
            subnet = "10.60.%d." % (7 if destination == "d" else 6)
            mark = serial.mark()
            xml = "<interface type='network'><source network='%s'/><mac address='%s'/><model type='virtio'/></interface>" % (destination, MAC1)
            try:
                dom.updateDeviceFlags(xml, libvirt.VIR_DOMAIN_AFFECT_LIVE)
            except libvirt.libvirtError as error:
                result["dhcp"]["refused"] = error.get_error_message()
                break
            here = destination
            lease = serial.wait(lambda line: int(line.split()[1]) if line.startswith("DHCP") and "eth1" in line and subnet in line else None, mark, CAP)
            if lease is None:
                dhcp_timeouts += 1
                continue
            down = serial.wait(lambda line: int(line.split()[1]) if line.startswith("LINK") and "eth1 down" in line else None, mark, 0)
            renewals.append(lease - down if down is not None else None)
        result["dhcp"].update({"renewal_ms": [r for r in renewals if r is not None], "timeouts": dhcp_timeouts,
                               "no_link_flap": sum(1 for r in renewals if r is None)})
    finally:
        if os.environ.get("NICMOVE_SERIAL_COPY"):
            serial.poll()
            with open(os.environ["NICMOVE_SERIAL_COPY"], "w") as copy:
                copy.write("\n".join(serial.lines) + "\n")
        dom.destroy()
        for name in NETWORKS:
            try:
                netconn.networkLookupByName(name).destroy()
            except libvirt.libvirtError:
                pass
        if netconn is not conn:
            netconn.close()
        conn.close()
    for entry in result["moves"].values():
        calls = entry["call_ms"]
        entry["call_median_ms"] = statistics.median(calls) if calls else None
        entry["call_p99_ms"] = percentile(calls, 99) if calls else None
        outages = entry["outage_ms"]
        entry["outage_median_ms"] = statistics.median(outages) if outages else None
        entry["outage_max_ms"] = max(outages) if outages else None
        confirmed = entry["confirmed_ms"]
        entry["confirmed_median_ms"] = statistics.median(confirmed) if confirmed else None
    result["cap_s"] = CAP
    print(json.dumps(result))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Prints nicmove.py's figures for patchbayd and (if given) libvirtd side by side, with ratios and
issue 14's targets. Usage: nicmove_report.py PATCHBAY_JSON [LIBVIRTD_JSON]"""
import json, statistics, sys

LABELS = {"a": "net A", "b": "net B", "dir": "direct", "host": "host br", "nat": "NAT"}
# Issue 14's host-side targets: bridge<->bridge 5 ms, with a direct network 15 ms; outage 1 s.
def call_target(pair):
    return 15.0 if "dir" in pair else 5.0


def fmt(value, unit="ms"):
    return "-" if value is None else ("%.1f %s" % (value, unit) if value < 100 else "%.0f %s" % (value, unit))


def describe(entry, cap):
    """Call and outage of one daemon for one pair, as three short strings."""
    if entry is None:
        return "-", "-", "-"
    if entry.get("refused"):
        return "refused", "-", "-"
    if entry["call_median_ms"] is None:
        return "not reached", "-", "-"
    call = "%s / %s" % (fmt(entry["call_median_ms"]), fmt(entry["call_p99_ms"]))
    outages = entry["outage_ms"]
    if outages:
        outage = "%s / %s" % (fmt(statistics.median(outages)), fmt(max(outages)))
        if entry["timeouts"]:
            outage += " (+%d > %.0f s)" % (entry["timeouts"], cap)
    elif entry["timeouts"]:
        outage = "> %.0f s" % cap
    else:
        outage = "-"
    return call, outage, fmt(entry.get("confirmed_median_ms"))


def main():
    pb = json.loads(sys.argv[1])
    lv = json.loads(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else None
    print("\nlive NIC move (update-device --live through libvirt-python), call median / p99, guest outage median / max")
    print("outage = the guest's gap between the last probe answered on the source and the first on the destination")
    print("(up to ~100 ms: no probe lost); seen = host time from the call to that answer on the serial console, median")
    header = "%-18s %4s %19s %17s %8s" % ("move", "n", "patchbayd call", "outage", "seen")
    if lv:
        header += " %19s %17s %8s %7s" % ("libvirtd call", "outage", "seen", "call x")
    print(header)
    misses = []
    for pair, entry in pb["moves"].items():
        source, destination = pair.split(">")
        name = "%s -> %s" % (LABELS[source], LABELS[destination])
        call, outage, seen = describe(entry, pb["cap_s"])
        line = "%-18s %4d %19s %17s %8s" % (name, len(entry["call_ms"]), call, outage, seen)
        if entry["call_median_ms"] is not None and entry["call_median_ms"] > call_target(pair):
            misses.append("%s: call median %.1f ms over the %.0f ms target" % (name, entry["call_median_ms"], call_target(pair)))
        if entry["outage_ms"] and max(entry["outage_ms"]) > 1000:
            misses.append("%s: outage up to %d ms over the 1 s target" % (name, max(entry["outage_ms"])))
        if entry["refused"] or entry["timeouts"]:
            misses.append("%s: %s" % (name, entry["refused"] or "%d timeouts" % entry["timeouts"]))
        if lv:
            other = lv["moves"].get(pair)
            lcall, loutage, lseen = describe(other, lv["cap_s"])
            ratio = "-"
            if other and other["call_median_ms"] and entry["call_median_ms"]:
                ratio = "%.3gx" % (other["call_median_ms"] / entry["call_median_ms"])
            line += " %19s %17s %8s %7s" % (lcall, loutage, lseen, ratio)
        print(line)
    if lv:
        for pair, other in lv["moves"].items():
            if other.get("refused"):
                print("libvirtd refuses %s: %s" % (pair.replace(">", " -> "), other["refused"]))
    for name, result in (("patchbayd", pb), ("libvirtd", lv)):
        if not result:
            continue
        dhcp = result["dhcp"]
        renewals = dhcp.get("renewal_ms", [])
        text = "median %s, max %s over %d moves" % (fmt(statistics.median(renewals)), fmt(max(renewals)), len(renewals)) if renewals else "none"
        if dhcp.get("timeouts"):
            text += "; %d moves without a lease on the destination within %.0f s" % (dhcp["timeouts"], result["cap_s"])
        if dhcp.get("refused"):
            text += "; refused: " + dhcp["refused"]
        print("%s DHCP renewal after a move (guest: link down -> lease on the destination): %s" % (name, text))
        if dhcp.get("timeouts"):
            print("%s: the guest saw no carrier loss on the moves, so it kept its old lease (its poller reads the"
                  " carrier every 50 ms; udhcpc restarts only after a down it saw)" % name)
        print("%s guest boot to first answered probe: %.1f s" % (name, result["boot_to_first_probe_s"]))
    print("targets: call <= 5 ms bridge<->bridge, <= 15 ms with a direct network; outage <= 1 s")
    print("note: a patchbayd move holds the guest's link down >= 200 ms (NICWiring's default) so that the guest sees the"
          " flap; the call includes that hold; the wiring's own work is the in-process figure (moveTimings)")
    for miss in misses:
        print("patchbayd misses: " + miss)
    # A refused move or a guest that never arrives is a failure, not a slow figure.
    # (A move without a DHCP renewal is reported above, not failed: the guest must see the flap.)
    failed = [pair for pair, entry in pb["moves"].items() if entry["refused"] or entry["timeouts"] or not entry["call_ms"]]
    if failed or pb["dhcp"].get("refused"):
        print("patchbayd FAILED: moves %s; DHCP %s" % (", ".join(failed) or "fine", pb["dhcp"]))
        sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Restarts a daemon and times its first answer. Stops PID with SIGTERM (a clean stop; $STOP_SIGNAL
chooses another, e.g. 9 for a crash) and waits for it to exit; then, with libvirt-python already loaded (its import is not the daemon's time),
starts COMMAND, polls the socket until listAllNetworks answers and prints the seconds from that
start, the number of networks and the number of ports the daemon still has. The new daemon's PID
goes to PIDFILE; it is left running. Usage: first_answer.py URI PID PIDFILE LOG COMMAND..."""
import os, subprocess, sys, time
import libvirt

uri, pid, pidfile, log, command = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
libvirt.registerErrorHandler(lambda *_: None, None)


def running(pid):
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


os.kill(pid, int(os.environ.get("STOP_SIGNAL", "15")))
while running(pid):
    time.sleep(0.001)
with open(log, "a") as errors:
    start = time.monotonic()
    daemon = subprocess.Popen(command, stdout=errors, stderr=errors)
with open(pidfile, "w") as out:
    out.write(str(daemon.pid))
while True:
    try:
        conn = libvirt.open(uri)
        nets = conn.listAllNetworks()
        answered = time.monotonic() - start
        break
    except libvirt.libvirtError:
        if daemon.poll() is not None:
            sys.exit("the daemon exited with status %d" % daemon.returncode)
        time.sleep(0.001)
ports = sum(len(n.listAllPorts()) for n in nets if n.isActive())
print("%.4f %d %d" % (answered, len(nets), ports))

# Sourced by scripts/run after the network part: a real QEMU guest (the tiny test guest) on two
# networks, driven by Debian's virsh on virtqemud-sock. Uses run's $ns, $demo, $bin, step, show,
# start_daemon. What the guest sees comes from its serial console (see scripts/build-test-guest).

step "The tiny test guest: a Debian kernel and a busybox initramfs (scripts/build-test-guest)"
image=$(./scripts/build-test-guest | tail -n 1)
ls -l "$image/vmlinuz" "$image/initrd.img"

quri="qemu:///system?socket=$demo/sock/virtqemud-sock"
qvirsh() { command virsh -c "$quri" "$@"; }
nvirsh() { command virsh -c "network:///system?socket=$demo/sock/virtnetworkd-sock" "$@"; }
gw_a=192.168.151.1 gw_b=192.168.152.1
serial=$demo/guest1-serial.log

# The serial log's report lines after line $1 (carriage returns and kernel chatter dropped).
reports() { tail -n +"$(($1 + 1))" "$serial" 2>/dev/null | tr -d '\r' | grep -E '^(BOOT|IFACE|LINK|ADDR|DHCP|READY|PROBE|ERROR) ' || true; }
mark() { wc -l <"$serial" 2>/dev/null || echo 0; }
# Waits up to $3 seconds for a report line after line $1 matching the extended regex $2.
wait_report() {
    local deadline=$((SECONDS + $3))
    until reports "$1" | grep -qE "$2"; do
        if [ $SECONDS -ge $deadline ]; then echo "(no '$2' from the guest within $3 s)"; return 1; fi
        sleep 0.2
    done
}
# The guest's reports after line $1, readable: every line except probes, and of the probes only
# those whose answer changed, plus the latest per target. MS is milliseconds since the guest booted.
show_guest() {
    echo "\$ guest's serial console (probes shown when their answer changes)"
    reports "$1" | awk '$1 == "PROBE" { if (seen[$3] != $4) print; seen[$3] = $4; latest[$3] = $0; next }
                        { print }
                        END { for (t in latest) print latest[t] "   <- latest" }' | sed 's/^/  guest| /'
}

cat >"$demo/A.xml" <<XML
<network>
  <name>A</name>
  <forward mode='nat'/>
  <bridge name='pbdemoa' stp='off'/>
  <ip address='$gw_a' prefix='24'><dhcp><range start='192.168.151.10' end='192.168.151.99'/></dhcp></ip>
</network>
XML
cat >"$demo/B.xml" <<XML
<network>
  <name>B</name>
  <bridge name='pbdemob' stp='off'/>
  <ip address='$gw_b' prefix='24'><dhcp><range start='192.168.152.10' end='192.168.152.99'/></dhcp></ip>
</network>
XML
cat >"$demo/guest1.xml" <<XML
<domain type='qemu'>
  <name>guest1</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$image/vmlinuz</kernel>
    <initrd>$image/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 pb.net=eth0,dhcp pb.net=eth1,dhcp pb.probe=$gw_a,$gw_b pb.interval=500</cmdline>
  </os>
  <on_reboot>destroy</on_reboot>
  <devices>
    <interface type='network'><mac address='52:54:00:de:00:01'/><source network='A'/><model type='virtio'/></interface>
    <interface type='null'><mac address='52:54:00:de:00:02'/><model type='virtio'/></interface>
    <serial type='file'><source path='$serial'/><target port='0'/></serial>
  </devices>
</domain>
XML

step "Two networks: A (NAT, $gw_a) and B (isolated, $gw_b), both with DHCP"
show nvirsh net-create "$demo/A.xml"
show nvirsh net-create "$demo/B.xml"

step "A guest: virsh -c '$quri'"
sed -n '/<os>/,/<\/devices>/p' "$demo/guest1.xml"
# Domain events until the daemon is killed below (virsh's listener ends with its connection).
listeners=$(registrations)
command virsh -c "$quri" event --loop --all --timeout 600 >"$demo/domevents" 2>&1 &
domevents=$!
wait_listeners "$listeners" 1
show qvirsh define "$demo/guest1.xml"
show qvirsh start guest1
show qvirsh list --all
show qvirsh domiflist guest1
tap=$(qvirsh domiflist guest1 | awk '/52:54:00:de:00:01/ {print $1}')
echo "(the first NIC's tap is $tap, the second NIC booted unplugged: type null, no tap)"

step "Inside the guest (type='qemu': QEMU emulates the CPU, so booting takes a while)"
wait_report 0 "PROBE [0-9]+ $gw_a ok" 300 || true
show_guest 0
if reports 0 | grep -q "PROBE [0-9]* $gw_b ok"; then
    echo "(B's gateway answers too: it is the host's own address, reached through A's router)"
fi
show qvirsh domifaddr guest1 --source lease
show nvirsh net-port-list A
port=$(nvirsh net-port-list A | awk 'length($1) == 36 {print $1; exit}')
[ -n "$port" ] && nvirsh net-port-dumpxml A "$port" | grep -A3 '<owner>'

step "Move the NIC from A to B while the guest runs: virsh update-device --live"
cat >"$demo/nic-on-B.xml" <<'XML'
<interface type='network'><mac address='52:54:00:de:00:01'/><source network='B'/><model type='virtio'/></interface>
XML
cat "$demo/nic-on-B.xml"
m=$(mark)
started=$(date +%s%N)
show qvirsh --timing update-device guest1 "$demo/nic-on-B.xml" --live
echo "(the whole virsh command took $((($(date +%s%N) - started) / 1000000)) ms, its start and connection included)"
# B's gateway answering, and after that A's gateway not: judged on lines after the first B answer.
if wait_report "$m" "PROBE [0-9]+ $gw_b ok" 120; then
    after=$(($(mark) - 1))
    wait_report "$after" "PROBE [0-9]+ $gw_a fail" 60 || true
fi
show_guest "$m"
echo "(B is isolated: its DHCP gives no router, so A's gateway is out of reach now)"
show qvirsh domiflist guest1
show nvirsh net-port-list A
show nvirsh net-port-list B

step "Plug the second NIC (booted unplugged) into A, then unplug it again"
cat >"$demo/nic2-on-A.xml" <<'XML'
<interface type='network'><mac address='52:54:00:de:00:02'/><source network='A'/><model type='virtio'/></interface>
XML
cat >"$demo/nic2-unplugged.xml" <<'XML'
<interface type='null'><mac address='52:54:00:de:00:02'/><model type='virtio'/></interface>
XML
m=$(mark)
show qvirsh update-device guest1 "$demo/nic2-on-A.xml" --live
wait_report "$m" "DHCP [0-9]+ eth1 " 120 || true
show_guest "$m" | grep -v PROBE
show qvirsh domiflist guest1
show qvirsh domifaddr guest1 --source lease
m=$(mark)
show qvirsh update-device guest1 "$demo/nic2-unplugged.xml" --live
wait_report "$m" "LINK [0-9]+ eth1 down" 60 || true
show_guest "$m" | grep -v PROBE
show qvirsh domiflist guest1

step "Link state: domif-setlink down and up (the guest sees its carrier go and come back)"
m=$(mark)
show qvirsh domif-setlink guest1 "$tap" down
wait_report "$m" "LINK [0-9]+ eth0 down" 60 || true
show qvirsh domif-getlink guest1 "$tap"
show qvirsh domif-setlink guest1 "$tap" up
wait_report "$m" "LINK [0-9]+ eth0 up" 60 && wait_report "$m" "DHCP [0-9]+ eth0 " 120 || true
show_guest "$m" | grep -v PROBE

step "Kill patchbayd (SIGKILL) and start it again: the guest keeps running, no reboot"
last=$(reports 0 | grep "PROBE [0-9]* $gw_b ok" | tail -n 1)
before_kill=$(mark)
kill -INT "$domevents" 2>/dev/null || true
wait "$domevents" 2>/dev/null || true
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true; pid=
echo "\$ ip netns pids $ns | xargs ps -o pid=,comm=   # patchbayd is gone, QEMU and dnsmasq are not"
ip netns pids "$ns" | xargs -r ps -o pid=,comm= || true
start_daemon
show qvirsh list --all
show qvirsh domiflist guest1
show nvirsh net-port-list B
m=$(mark)
wait_report "$m" "PROBE [0-9]+ $gw_b ok" 60 || true
# A few more probes, so that "none failed" below covers a few seconds after the restart.
deadline=$((SECONDS + 60))
until [ "$(reports "$m" | grep -c "PROBE [0-9]* $gw_b ")" -ge 4 ] || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
echo "last probe of B's gateway before the kill:  $last"
echo "first probe of B's gateway after the restart: $(reports "$m" | grep "PROBE [0-9]* $gw_b ok" | head -n 1)"
echo "probes of B's gateway since the kill: $(reports "$before_kill" | grep -c "PROBE [0-9]* $gw_b ok") answered, $(reports "$before_kill" | grep -c "PROBE [0-9]* $gw_b fail") failed"
echo "BOOT lines in the serial log: $(reports 0 | grep -c '^BOOT')   (same boot clock: one boot, time kept counting)"

step "What 'virsh event --loop --all' printed for the guest (stopped before the kill)"
cat "$demo/domevents"

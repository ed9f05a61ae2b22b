# Sourced by scripts/run: host interface transactions on virtinterfaced-sock. A transaction
# snapshots the host's links, addresses and routes at begin; rollback restores them, whoever
# changed them since (here plain `ip` in the namespace, not Patchbay).

iuri="interface:///system?socket=$demo/sock/virtinterfaced-sock"
ivirsh() { command virsh -c "$iuri" "$@"; }
addr_view() { echo "\$ ip -n $ns -br addr show pbdemo-up0"; ip -n "$ns" -br addr show pbdemo-up0 || true; }

step "Host interface transactions: virsh -c '$iuri'"
show ip -n "$ns" link add pbdemo-up0 type veth peer name pbdemo-up1
show ip -n "$ns" addr add 10.99.0.1/24 dev pbdemo-up0
show ip -n "$ns" link set pbdemo-up0 up
show ip -n "$ns" link set pbdemo-up1 up
show ivirsh iface-list --all
show ivirsh iface-begin
echo "(someone breaks the uplink with plain ip, behind Patchbay's back)"
show ip -n "$ns" addr del 10.99.0.1/24 dev pbdemo-up0
addr_view
show ivirsh iface-rollback
addr_view

step "A transaction with a deadline rolls back by itself: patchbay iface-begin --timeout 3"
begun=$SECONDS
show "$bin/patchbay" -c "$demo/sock/virtinterfaced-sock" iface-begin --timeout 3
show ip -n "$ns" addr del 10.99.0.1/24 dev pbdemo-up0
show "$bin/patchbay" -c "$demo/sock/virtinterfaced-sock" iface-status
addr_view
until ip -n "$ns" -br addr show pbdemo-up0 | grep -q 10.99.0.1/24; do
    [ $((SECONDS - begun)) -ge 60 ] && { echo "(not rolled back within 60 s)"; break; }
    sleep 0.2
done
echo "(the address came back about $((SECONDS - begun)) s after iface-begin, without a command)"
addr_view

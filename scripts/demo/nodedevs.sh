# Sourced by scripts/run: the host's network devices on virtnodedevd-sock, and their lifecycle
# events as interfaces come and go.

nduri="nodedev:///system?socket=$demo/sock/virtnodedevd-sock"
ndvirsh() { command virsh -c "$nduri" "$@"; }

step "Node devices: virsh -c '$nduri'"
show ndvirsh nodedev-list --cap net
listeners=$(registrations)
timeout 120 virsh -c "$nduri" nodedev-event --loop --event lifecycle --timeout 90 >"$demo/ndevents" 2>&1 &
ndevents=$!
wait_listeners "$listeners" 1
show ip -n "$ns" link add pbdemo-nd0 type veth peer name pbdemo-nd1
show ndvirsh nodedev-list --cap net
show ip -n "$ns" link del pbdemo-nd0
started=$SECONDS
# Four events: each end of the veth created, then deleted (node device names use _ for -).
until [ "$(grep -c "net_pbdemo_nd" "$demo/ndevents" 2>/dev/null)" -ge 4 ] || [ $((SECONDS - started)) -ge 60 ]; do sleep 0.2; done
kill -INT "$ndevents" 2>/dev/null || true
wait "$ndevents" 2>/dev/null || true
echo "\$ timeout 120 virsh -c '$nduri' nodedev-event --loop --event lifecycle   # what it printed"
cat "$demo/ndevents"

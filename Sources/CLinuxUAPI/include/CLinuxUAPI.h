#ifndef PATCHBAY_CLINUXUAPI_H
#define PATCHBAY_CLINUXUAPI_H
/* Linux uapi constants and the few calls Swift cannot make directly (variadic ioctl, setns). */
#include <sys/types.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/veth.h>
#include <linux/if_tun.h>
/* nfnetlink and nf_tables (not linux/netfilter.h: its linux/in.h clashes with glibc's netinet/in.h). */
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

/* Attaches an open /dev/net/tun fd to interface `name` with `flags` (IFF_TAP|IFF_NO_PI|...).
 * Writes the kernel-chosen name to `out_name` (16 bytes). Returns 0 or -errno. */
int pb_tun_set_iff(int fd, const char *name, short flags, char *out_name);

/* Sets or clears the persist flag of a tap. Returns 0 or -errno. */
int pb_tun_set_persist(int fd, int persist);

/* Moves the calling thread into the namespace open at `fd`. Returns 0 or -errno. */
int pb_setns(int fd, int nstype);

/* Gives the calling thread a new, private network namespace. Returns 0 or -errno. */
int pb_unshare_net(void);

/* pipe2(fds, O_CLOEXEC). Returns 0 or -errno. */
int pb_pipe_cloexec(int fds[2]);

/* Makes orphaned descendants (daemonised helpers) children of this process, so it can reap them. */
int pb_set_child_subreaper(void);

/* Waits up to `milliseconds` for process `pid` (not necessarily a child) to exit, through a
   pidfd: 1 when it has exited (or no longer exists), 0 on timeout, -errno when pidfds are unavailable. */
int pb_wait_for_exit(int pid, int milliseconds);

/* CLONE_NEWNET for setns(2). */
static const int PB_CLONE_NEWNET = 0x40000000;
/* pidfd_open(pid, 0): a descriptor that names one process for its whole life. Returns fd or -errno. */
int pb_pidfd_open(int pid);

/* Sends `signal_number` to the process behind `pidfd` (never to a later process reusing its pid). 0 or -errno. */
int pb_pidfd_send_signal(int pidfd, int signal_number);

/* Waits up to `milliseconds` for the process behind `pidfd` to exit: 1 exited, 0 timeout, -errno. */
int pb_pidfd_wait_exit(int pidfd, int milliseconds);

/* sendmsg of `bytes`, with `fd` attached as SCM_RIGHTS when fd >= 0. Bytes sent or -errno. */
long pb_send_with_fd(int sock, const void *bytes, unsigned long length, int fd);

/* recvmsg into `bytes`; the first SCM_RIGHTS descriptor (close-on-exec) lands in *received_fd, else -1. Bytes read or -errno. */
long pb_receive_with_fd(int sock, void *bytes, unsigned long length, int *received_fd);

/* POSIX_SPAWN_SETSID: the child starts its own session (no signals from the daemon's terminal). */
static const short PB_POSIX_SPAWN_SETSID = 0x80;
/* Adds "close every descriptor from `lowest` up" to posix_spawn file actions (a
   posix_spawn_file_actions_t *), so a child inherits only what it was given. 0 or an errno. */
int pb_spawn_close_from(void *actions, int lowest);
#endif

#define _GNU_SOURCE
#include "CLinuxUAPI.h"
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <fcntl.h>
#include <unistd.h>

int pb_tun_set_iff(int fd, const char *name, short flags, char *out_name) {
    struct ifreq request;
    memset(&request, 0, sizeof(request));
    if (name != NULL) {
        strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    }
    request.ifr_flags = flags;
    if (ioctl(fd, TUNSETIFF, &request) < 0) {
        return -errno;
    }
    if (out_name != NULL) {
        memcpy(out_name, request.ifr_name, IFNAMSIZ);
        out_name[IFNAMSIZ - 1] = 0;
    }
    return 0;
}

int pb_tun_set_persist(int fd, int persist) {
    if (ioctl(fd, TUNSETPERSIST, persist) < 0) {
        return -errno;
    }
    return 0;
}

int pb_setns(int fd, int nstype) {
    return setns(fd, nstype) < 0 ? -errno : 0;
}

int pb_unshare_net(void) {
    return unshare(CLONE_NEWNET) < 0 ? -errno : 0;
}

int pb_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) < 0 ? -errno : 0;
}

#include <sys/prctl.h>

int pb_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 ? -errno : 0;
}

#include <poll.h>
#include <sys/syscall.h>

int pb_wait_for_exit(int pid, int milliseconds) {
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) {
        return errno == ESRCH ? 1 : -errno;
    }
    struct pollfd entry = { .fd = fd, .events = POLLIN };
    int ready;
    do {
        ready = poll(&entry, 1, milliseconds);
    } while (ready < 0 && errno == EINTR);
    int saved = errno;
    close(fd);
    if (ready < 0) {
        return -saved;
    }
    return ready > 0 ? 1 : 0;
}

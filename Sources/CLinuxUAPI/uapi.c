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

/* ---- process identity (pidfd) and descriptor passing, for QEMU processes and QMP ---- */
#include <signal.h>
#include <sys/socket.h>
#include <string.h>

int pb_pidfd_open(int pid) {
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    return fd < 0 ? -errno : fd;
}

int pb_pidfd_send_signal(int pidfd, int signal_number) {
    return syscall(SYS_pidfd_send_signal, pidfd, signal_number, NULL, 0) < 0 ? -errno : 0;
}

int pb_pidfd_wait_exit(int pidfd, int milliseconds) {
    struct pollfd entry = { .fd = pidfd, .events = POLLIN };
    int ready;
    do {
        ready = poll(&entry, 1, milliseconds);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) {
        return -errno;
    }
    return ready > 0 ? 1 : 0;
}

long pb_send_with_fd(int sock, const void *bytes, unsigned long length, int fd) {
    struct iovec vector = { .iov_base = (void *)bytes, .iov_len = length };
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    char control[CMSG_SPACE(sizeof(int))];
    if (fd >= 0) {
        memset(control, 0, sizeof control);
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &fd, sizeof(int));
    }
    long sent;
    do {
        sent = sendmsg(sock, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent < 0 ? -errno : sent;
}

long pb_receive_with_fd(int sock, void *bytes, unsigned long length, int *received_fd) {
    struct iovec vector = { .iov_base = bytes, .iov_len = length };
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    char control[CMSG_SPACE(sizeof(int) * 4)];
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    *received_fd = -1;
    long count;
    do {
        count = recvmsg(sock, &message, MSG_CMSG_CLOEXEC);
    } while (count < 0 && errno == EINTR);
    if (count < 0) {
        return -errno;
    }
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS && *received_fd < 0) {
            memcpy(received_fd, CMSG_DATA(header), sizeof(int));
        }
    }
    return count;
}

#include <spawn.h>

int pb_spawn_close_from(void *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np((posix_spawn_file_actions_t *)actions, lowest);
}

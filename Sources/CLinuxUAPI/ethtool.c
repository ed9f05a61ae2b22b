#include "pb_ethtool.h"
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/sockios.h>

int pb_ethtool_get(int fd, const char *name, unsigned int cmd, unsigned int *value) {
    struct ethtool_value request = { .cmd = cmd, .data = 0 };
    struct ifreq interface;
    memset(&interface, 0, sizeof interface);
    strncpy(interface.ifr_name, name, IFNAMSIZ - 1);
    interface.ifr_data = (void *)&request;
    if (ioctl(fd, SIOCETHTOOL, &interface) < 0) return -errno;
    *value = request.data;
    return 0;
}

#ifndef PATCHBAY_ETHTOOL_H
#define PATCHBAY_ETHTOOL_H
/* ethtool's offload queries (SIOCETHTOOL), which node devices report as features. */
#include <linux/ethtool.h>

/* Runs the ethtool get-command `cmd` (ETHTOOL_GRXCSUM, ETHTOOL_GFLAGS...) for interface `name`
 * through the socket `fd` and stores its value. Returns 0 or -errno. */
int pb_ethtool_get(int fd, const char *name, unsigned int cmd, unsigned int *value);
#endif

/* Packet capture with libpcap on an interface of a lab namespace,
 * including lo: opened inside the namespace, kept in memory for counting
 * matches, and written as a pcap file for tcpdump and Wireshark. */
#ifndef VL_CAPTURE_H
#define VL_CAPTURE_H

#include <stddef.h>

#include "core/error.h"
#include "core/scenario.h"

struct vl_capture;

/* Start capturing on IFNAME inside the namespace NETNS_FD. Every packet
 * is kept in memory; with PCAP_PATH not NULL it is also written there
 * (the file is complete once the capture is closed). */
int vl_capture_open(int netns_fd, const char *ifname, const char *pcap_path,
		    struct vl_capture **out, struct vl_error *err);
/* Take in every packet that has arrived so far, without waiting. */
int vl_capture_drain(struct vl_capture *c, struct vl_error *err);
/* How many kept packets FILTER (tcpdump syntax, "" for all) matches. */
int vl_capture_count(struct vl_capture *c, const char *filter,
		     unsigned *count, struct vl_error *err);
size_t vl_capture_packets(const struct vl_capture *c);
/* The step is over: the pcap file is complete and the kept packets are
 * gone, the socket stays open for vl_capture_restart. NULL is fine. */
void vl_capture_end(struct vl_capture *c);
/* The same capture for another step, with a new pcap file (or none):
 * what arrived in between is thrown away. Opening a capture costs a ring
 * buffer of megabytes, closing it an RCU grace period, so a scenario run
 * keeps them from step to step. -ESTALE (ERR untouched) when the
 * interface is not as it was (made anew, another MTU, down): close it
 * and open a new one. */
int vl_capture_restart(struct vl_capture *c, int netns_fd, const char *pcap_path,
		       struct vl_error *err);
/* Stop, flush the pcap file and free. NULL is fine. The packet socket
 * itself is closed in the background: see vl_capture_settle. */
void vl_capture_close(struct vl_capture *c);
/* Wait until every closed capture's socket is closed (also done at
 * exit). */
void vl_capture_settle(void);

/* The tcpdump filter for a match: its shorthand and fields ANDed with its
 * own filter ("arp and arp[6:2] = 1 and arp[24:4] = 0xc0a80201"). */
int vl_match_filter(const struct vl_match *m, char *buf, size_t len);
/* Whether FILTER compiles for Ethernet frames; WHY gets libpcap's reason. */
int vl_filter_check(const char *filter, char *why, size_t len);

#endif

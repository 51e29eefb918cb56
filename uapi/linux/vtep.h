/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * vtep: a VXLAN tunnel endpoint (RFC 7348) as a network device.
 *
 * Devices are created and destroyed with rtnetlink (kind "vtep"); everything
 * else is programmed over the generic netlink family "vtep", version 2.
 * Version 2 (nothing was released with version 1) renamed the underlay
 * device attribute to VTEP_LINK_A_UNDERLAY, named VTEP_TOS_INHERIT, and
 * checks VTEP_A_LINK with the very policy of IFLA_INFO_DATA (so LINK_SET,
 * like RTM_NEWLINK, refuses port 0).
 *
 * Words: "link" is the vtep device and its settings (VTEP_LINK_A_*);
 * "underlay" the device and sockets it sends through; "remote" an entry of
 * a VNI's head-end replication list; a "peer" the remote VTEP an FDB entry
 * or remote sends to.
 *
 * Creating a device
 * -----------------
 *
 * RTM_NEWLINK with IFLA_INFO_KIND "vtep" and, optionally, an IFLA_INFO_DATA
 * nest holding any of the VTEP_LINK_A_* settings below (the same attribute
 * space and the same checks as VTEP_CMD_LINK_SET). The underlay device is
 * VTEP_LINK_A_UNDERLAY (IFLA_LINK is accepted in its place). RTM_GETLINK
 * returns the settings in IFLA_INFO_DATA.
 *
 * Addressing a device
 * -------------------
 *
 * Every command names its device with exactly one of VTEP_A_IFINDEX (u32)
 * or VTEP_A_IFNAME (string), looked up in the caller's network namespace:
 * a device in another namespace does not exist for the caller (-ENODEV).
 * A device of another kind answers -EOPNOTSUPP.
 *
 * Commands
 * --------
 *
 * Commands that change state need CAP_NET_ADMIN in the user namespace that
 * owns the device's network namespace (-EPERM otherwise). So do the gets
 * that name tenants' state, as its events do: VNI_GET, REMOTE_GET,
 * FDB_GET, FLOW_GET, NEIGH_GET, PEER_GET, ALIAS_GET and STATS_GET of a
 * VNI. LINK_GET and STATS_GET of the device need nothing (rtnetlink shows
 * the same to anyone in the namespace). Creating a device (RTM_NEWLINK)
 * needs CAP_NET_ADMIN in the initial user namespace, unless the module
 * parameter userns_create lets root of another one create devices. So that
 * readers cannot hold up the host, dumps take no RTNL and each message
 * walks a bounded part of a table: a dump whose filter matches little in a
 * large table arrives as empty datagrams (recv() returns 0) between its
 * messages. Readers read on until NLMSG_DONE or NLMSG_ERROR.
 *
 * VTEP_CMD_LINK_GET     do:   IFINDEX|IFNAME -> one device
 *                       dump: every vtep device of the namespace
 *     reply: VTEP_A_IFINDEX, VTEP_A_IFNAME, VTEP_A_LINK { VTEP_LINK_A_* }
 *
 * VTEP_CMD_LINK_SET     IFINDEX|IFNAME, VTEP_A_LINK { settings to change }
 *     PORT must not be 0 (-ERANGE). LOCAL/LOCAL6 must be unicast or the
 *     wildcard (-EINVAL). LOCAL/LOCAL6/PORT/UNDERLAY can change only while
 *     the device is down (-EBUSY). The local address family can change only while the device
 *     has no VNI (-EBUSY). PORT_MIN must not exceed PORT_MAX (-EINVAL).
 *     Without LOCAL/LOCAL6 a device is IPv4 and listens on the wildcard.
     UDP6_ZERO_CSUM_RX (default 0) accepts tunnel packets over IPv6 whose
     UDP checksum is zero (RFC 6935/6936; vxlan's udp6zerocsumtx sends
     them), which are otherwise dropped before the device sees them. It
     can change only while the device is down (-EBUSY), and devices that
     share a socket (the same local address and port) must agree on it:
     opening one that does not fails with -EBUSY.
 *
 * Several local addresses (LOCALS):
 *     LOCALS { ADDR|ADDR6 ... } (VTEP_LOCAL_A_*, in order) gives the
 *     device up to VTEP_LOCAL_ADDRS_MAX (8) local addresses of one family; the
 *     first is the primary, what LOCAL/LOCAL6 say (the request may not
 *     carry both LOCAL(6) and LOCALS: -EINVAL). Each transmitted frame
 *     takes its outer source address from the inner flow hash (with the
 *     outer source port it takes: an elephant moved to another port at a
 *     flowlet gap may take another address too), so one inner flow keeps
 *     one address and many flows spread over all of them. The device
 *     receives on every one of them (a socket bound to each address; a
 *     device whose list differs from another's on one of its addresses and
 *     port cannot open: -EADDRINUSE or -EBUSY). Refused with -EINVAL: an
 *     empty list, more than 8, mixed families, a repeated address, one not
 *     unicast (the wildcard only alone). Like LOCAL it changes only while
 *     the device is down (-EBUSY); LOCAL(6) alone sets a list of one.
 *     Replies carry LOCALS only when the device has more than one address
 *     (LOCAL/LOCAL6 always). The iproute2 plugin (ip link ... type vtep)
 *     sets and shows the primary only; vtepctl link sets and shows the list.
 *
 * Elephants and re-steering (settings of the link):
 *     SAMPLE (default 256, 0 = off): one transmitted frame in SAMPLE, per
 *     CPU, is sampled; a small per-CPU table of sampled flows (64 slots, by
 *     flow hash) estimates each one's rate as sampled bytes x SAMPLE over
 *     windows of at least 100 ms. A flow whose estimate reaches
 *     ELEPHANT_RATE (bytes/s, default 125000000, 1000 at least) is an
 *     elephant: it enters the device's elephant table (64 entries; each
 *     flow may take one of two slots, and a new elephant whose two slots
 *     are held by active ones displaces the slower, counted in
 *     VTEP_STAT_ELEPHANT_FULL), and a VTEP_EVENT_ELEPHANT event carries
 *     its VTEP_A_FLOW (at most 10 at once, then 1 a second, per device).
 *     An elephant whose rate was not seen at ELEPHANT_RATE for 2 s, and
 *     that has been idle for longer than FLOWLET_GAP, leaves the table.
 *     A flow spread over several CPUs is estimated per CPU (a sum of parts
 *     may be missed).
 *     RESTEER (default 0): when 1, an elephant's frame that follows a gap
 *     longer than FLOWLET_GAP (µs, default 500) in the flow takes a new
 *     outer UDP source port, chosen at random in PORT_MIN..PORT_MAX
 *     (another than its current one), and keeps it until the next such
 *     gap: so its packets change path only between bursts, never within
 *     one. It moves only if it runs slower than 80% of the mean rate of
 *     the device's elephants (it shares its path, as far as the VTEP can
 *     tell), or is the only elephant. While RESTEER is 1 an elephant's
 *     rate is not sampled but counted from every one of its frames, over
 *     windows of at least 100 ms, each averaged half and half with the
 *     rate before (so the listed rate is exact whatever SAMPLE is; sampling
 *     only finds the elephants); a moved elephant's rate is measured afresh
 *     (its first windows on the new path replace the old rate) before it
 *     may move again. Other flows keep the port of their inner
 *     flow hash. With
 *     RESTEER 0 every flow keeps the port of its hash, whatever the
 *     elephant table holds; turning it off moves elephants back to that
 *     port at once.
 *
 * VTEP_CMD_FLOW_GET     dump: IFINDEX|IFNAME
 *     reply: one message per elephant: IFINDEX, IFNAME, VTEP_A_FLOW {
 *            VNI, PROTO, SRC|SRC6, DST|DST6, SPORT, DPORT (or SRC_MAC,
 *            DST_MAC), RATE, OUTER_SPORT, OUTER_SRC|OUTER_SRC6, MOVES }
 *     A snapshot of a table that changes as flows come and go: an entry
 *     replaced during the dump may be missed. Entries are per flow hash
 *     (what picks the outer port): a flow whose hash changed (a TCP
 *     socket picks a new one after a retransmission timeout) may be
 *     listed twice for a while, with the same 5-tuple.
 *
 * VTEP_CMD_VNI_NEW      IFINDEX|IFNAME, VTEP_A_VNI { ID, VLAN|UNTAGGED,
 *                       [GROUP|GROUP6], [FLOOD], [PEERS], [SUPPRESS] }
 *     Exactly one of VLAN and UNTAGGED is required. -EEXIST if the VNI
 *     exists, unless NLM_F_REPLACE is set: then the VNI is updated in place
 *     (its FDB entries, remotes and counters are kept). -EBUSY if the VLAN
 *     (or untagged) is mapped to another VNI.
 * VTEP_CMD_VNI_SET      as VNI_NEW; the VNI must exist (-ENOENT); only the
 *                       attributes given change.
 * VTEP_CMD_VNI_DEL      IFINDEX|IFNAME, VTEP_A_VNI { ID }. Removes the VNI
 *                       with its FDB entries and remotes; leaves its group.
 * VTEP_CMD_VNI_GET      do: IFINDEX|IFNAME, VTEP_A_VNI { ID }
 *                       dump: IFINDEX|IFNAME; every VNI of the device
 *     reply: IFINDEX, IFNAME, VTEP_A_VNI { ID, VLAN|UNTAGGED, GROUP|GROUP6,
 *            FLOOD, PEERS, SUPPRESS, REMOTES, FDB_COUNT, LEARNED, NEIGHS,
 *            STATS { VTEP_STAT_* } }
 *     A dump during which a VNI or a remote of the device changed carries
 *     NLM_F_DUMP_INTR (at least on NLMSG_DONE); so does REMOTE_GET's.
 *
 * VTEP_CMD_REMOTE_NEW   IFINDEX|IFNAME, VTEP_A_REMOTE { VNI, ADDR|ADDR6,
 *                       [OWNER] }
 *     Adds a unicast address to the VNI's head-end replication list: every
 *     broadcast, multicast or unknown-unicast frame of the VNI is sent to
 *     it once. -EEXIST if present (unless NLM_F_REPLACE: then it only
 *     takes the message's owner),
 *     -EAFNOSUPPORT if of the other family than the local address, -EINVAL
 *     for a multicast, broadcast or unspecified address.
 * VTEP_CMD_REMOTE_DEL   same attributes; -ENOENT if absent (or, with
 *                       OWNER, of another owner).
 * VTEP_CMD_REMOTE_GET   dump: IFINDEX|IFNAME, [VTEP_A_REMOTE { VNI }]
 *     reply: one message per remote: IFINDEX, IFNAME, VTEP_A_REMOTE
 *            { VNI, ADDR|ADDR6, OWNER }
 *
 * VTEP_A_VNI's PEERS (enum vtep_peers, default ANY) says whose frames the
 * VNI accepts. KNOWN: only frames whose outer source is on the VNI's
 * replication list, is the destination of one of its static FDB entries,
 * or was allowed with PEER_NEW; any other is dropped before it is learned
 * from or delivered, counted in VTEP_STAT_DROP_PEER (device and VNI), and
 * reported in a VTEP_EVENT_PEER_REFUSED event with VTEP_A_PEER { VNI,
 * ADDR|ADDR6, PREFIX (32 or 128) } (at most 10 at once, then 1 a second,
 * per device). The check is one hash lookup per frame, plus a walk of the
 * VNI's short prefixes (at most 16) only when that misses. The sets are
 * kept whatever the mode, so switching loses no frame of a known peer.
 *
 * VTEP_CMD_PEER_NEW     IFINDEX|IFNAME, VTEP_A_PEER { VNI, ADDR|ADDR6,
 *                       [PREFIX], [OWNER] }
 *     Allows an address or, with PREFIX shorter than the address, a
 *     prefix (stored with the host bits cleared) to send the VNI's frames.
 *     -EEXIST if allowed (unless NLM_F_REPLACE: it then only takes the
 *     message's owner), -ENOSPC past 64
 *     allowances per VNI or 16 prefixes shorter than an address,
 *     -EAFNOSUPPORT for the other family, -EINVAL for a prefix longer than
 *     the address or a multicast address.
 * VTEP_CMD_PEER_DEL     same attributes; -ENOENT if not allowed (or, with
 *                       OWNER, allowed by another owner).
 * VTEP_CMD_PEER_GET     do: IFINDEX|IFNAME, VTEP_A_PEER { VNI }
 *     reply: IFINDEX, IFNAME, one VTEP_A_PEER { VNI, ADDR|ADDR6, PREFIX,
 *     OWNER }
 *     per allowance (remotes and FDB destinations are not listed: they
 *     have their own commands).
 *
 * Peers with several addresses (VTEP_CMD_ALIAS_*): a receiver cannot tell
 * that two underlay sources are one host, so the control plane says so.
 * A peer set is a primary address and up to 7 other addresses (aliases)
 * of the same remote VTEP; a device holds at most VTEP_ALIAS_MAX (256)
 * aliases. With a set configured, for every VNI of the device:
 *  - learning: a MAC learned from any address of the set is learned
 *    behind the primary; a learned MAC that arrives from another address
 *    of the same set has not moved (no VTEP_EVENT_FDB_MOVED, no
 *    VTEP_STAT_FDB_MOVED, the entry keeps its destination, its age is
 *    refreshed);
 *  - replication: two remotes of a VNI's list that are addresses of one
 *    set get one copy of each flooded frame (the first on the list);
 *  - PEERS KNOWN: a frame from any address of a set is accepted when the
 *    source itself or any address of its set is known to the VNI.
 * Without a set, every address is a peer of its own (moves are counted).
 *
 * VTEP_CMD_ALIAS_NEW    IFINDEX|IFNAME, VTEP_A_ALIAS { ADDR|ADDR6,
 *                       PEER|PEER6 }
 *     ADDR becomes another address of the peer PEER: of the set PEER is
 *     in, or of a new set whose primary is PEER. -EEXIST if ADDR is in a
 *     set already (unless NLM_F_REPLACE and it is in PEER's set: a no-op),
 *     -EINVAL if ADDR equals PEER or either is not unicast,
 *     -EAFNOSUPPORT for the other family than the local address, -ENOSPC
 *     past 8 addresses in a set or VTEP_ALIAS_MAX aliases on the device.
 * VTEP_CMD_ALIAS_DEL    IFINDEX|IFNAME, VTEP_A_ALIAS { ADDR|ADDR6 }
 *     Takes ADDR out of its set; naming a primary removes its whole set.
 *     -ENOENT if ADDR is in no set.
 * VTEP_CMD_ALIAS_GET    do: IFINDEX|IFNAME
 *     reply: IFINDEX, IFNAME, one VTEP_A_ALIAS { ADDR|ADDR6, PEER|PEER6 }
 *     per alias (primaries are not listed on their own).
 *
 * VTEP_CMD_FDB_NEW      IFINDEX|IFNAME, VTEP_A_FDB { VNI, MAC, DST|DST6,
 *                       [OWNER] }
 *                       or a batch: VTEP_A_FDB_LIST { VTEP_A_FDB ... },
 *                       or VTEP_A_FDB_RECORDS (struct vtep_fdb_rec below)
 *     Adds static entries (never aged, never overwritten by learning).
 *     A learned entry for the (VNI, MAC) is always replaced and becomes
 *     static (VTEP_EVENT_FDB_CHANGED), NLM_F_REPLACE or not. -EEXIST if a
 *     static entry exists, unless NLM_F_REPLACE: then it is replaced (no
 *     event when neither destination nor owner changed). A batch is
 *     applied whole or not at all, under one hold of the table's lock
 *     (so learning cannot interleave): on the first refused entry, what
 *     this message added or replaced is put back as it was, no event is
 *     sent, the error is that entry's (the datapath and dumps, which do
 *     not take the lock, may have seen the entries applied before it),
 *     and the extack points (NLMSGERR_ATTR_OFFS) at that entry's nest.
 *     -ENOSPC when the device's static limit (FDB_MAX) or peer limit
 *     (PEER_MAX, for an entry sending to a new address) would be
 *     exceeded; learned entries never count against FDB_MAX. -ENOENT
 *     for a VNI not on the device. Userspace splits large loads over
 *     several messages. VTEP_A_FDB_EXPECT, optional, says how many
 *     entries the load brings from this message on, at most: the MAC
 *     table is sized for them once, where it would double its way there
 *     (a hint: capped by FDB_MAX, and by 4M entries without one; the
 *     table shrinks again once the entries are not there).
 * VTEP_CMD_FDB_DEL      IFINDEX|IFNAME, VTEP_A_FDB { VNI, MAC, [DST|DST6],
 *                       [OWNER] }
 *                       or a batch: VTEP_A_FDB_LIST { VTEP_A_FDB ... },
 *                       or VTEP_A_FDB_RECORDS
 *     Deletes entries, static or learned. With DST|DST6, an entry is
 *     deleted only if it points at that address (a hook removes only the
 *     entry it installed, not one a newer owner of the MAC put there).
 *     With OWNER, only a static entry of that owner ("Owners").
 *     -ENOENT if an entry is absent, points elsewhere or is of another
 *     owner. A batch deletes
 *     all its entries or none, as FDB_NEW adds them.
 * VTEP_CMD_FDB_GET      do: IFINDEX|IFNAME, VTEP_A_FDB { VNI, MAC }
 *                       dump: IFINDEX|IFNAME, [VTEP_A_FDB { [VNI], [TYPE] }]
 *     reply: IFINDEX, IFNAME, VTEP_A_FDB { VNI, MAC, DST|DST6, TYPE,
 *            OWNER (KERNEL for learned entries), AGE (ms since last seen;
 *            learned entries only) }
 *     A dump's filter takes no OWNER (-EINVAL): readers filter owners.
 *     A dump that spans several messages resumes where it stopped; each
 *     entry present for the whole dump is returned exactly once. If the
 *     table changed in between, the last message carries NLM_F_DUMP_INTR;
 *     so does it when the table was being resized (entries move between
 *     tables in the background after a large load or flush), even if no
 *     entry was sent. Readers dump again, after a short pause. A message
 *     visits a bounded number of entries (a few thousand); one that found
 *     none matching the filter goes out empty (see "Commands" above).
 * VTEP_CMD_FDB_FLUSH    IFINDEX|IFNAME, [VTEP_A_FDB { [VNI], [TYPE],
 *                       [OWNER] }]
 *     Deletes every entry matching the filter (all, if none); with OWNER,
 *     the static entries of that owner only.
 *
 * Owners
 * ------
 *
 * Static FDB entries, remotes, allowed peers and neighbours each carry an
 * owner (enum vtep_owner, a u8), as routes carry rtnetlink's protocol: who
 * put the entry there, so that each writer changes only its own. NEW
 * stores the message's OWNER (absent: UNSPEC); KERNEL is refused
 * (-EINVAL): it names learned FDB entries only. NEW with NLM_F_REPLACE
 * over an existing entry gives it the message's owner. DEL with OWNER
 * deletes only an entry of that owner (-ENOENT otherwise, as DST does for
 * FDB_DEL), so a writer never deletes what another replaced in between
 * its dump and its delete. FDB_FLUSH with OWNER deletes the static entries
 * of that owner only. Dumps and GET report OWNER; the FDB events ADDED and
 * CHANGED carry it. Values above HOOK are free for other writers (as
 * /etc/iproute2/rt_protos numbers them); vtepctl names the ones below and
 * prints the others as numbers.
 *
 * ARP/ND suppression
 * ------------------
 *
 * Each VNI has a neighbour table: overlay IPv4 and IPv6 addresses of the
 * tenant's hosts and their MACs, as the control plane knows them (a BGP
 * EVPN agent from MAC+IP routes, or a hook). With VTEP_VNI_A_SUPPRESS set
 * (default 0), an ARP request or an IPv6 neighbour solicitation that a
 * local host sends into the VNI for an address in the table is answered
 * by the device itself (an ARP reply, or a solicited neighbour
 * advertisement with the target link-layer address option, tagged like the
 * request) and not sent over the underlay; each is counted in
 * VTEP_STAT_ARP_SUPPRESSED or VTEP_STAT_ND_SUPPRESSED. Everything else is
 * sent as before: requests for addresses the table lacks, requests whose
 * answer would be the asker's own MAC, and those that announce or probe
 * (gratuitous ARP: sender and target address equal; ARP probes: sender
 * address 0.0.0.0; duplicate address detection: an NS from ::). The
 * answer does not depend on the FDB: the table is the control plane's
 * word for it.
 *
 * VTEP_CMD_NEIGH_NEW    IFINDEX|IFNAME, VTEP_A_NEIGH { VNI, ADDR|ADDR6,
 *                       LLADDR, [OWNER] }
 *     Adds an entry. -EEXIST if the address has one in the VNI, unless
 *     NLM_F_REPLACE: then its MAC and owner are replaced (a reader sees
 *     the old entry or the new one, never a mix). -ENOSPC past
 *     VTEP_NEIGH_VNI_MAX entries per VNI. -EINVAL for a multicast,
 *     broadcast, loopback or unspecified address, or a MAC that is not
 *     unicast. Either family, whatever the underlay's.
 * VTEP_CMD_NEIGH_DEL    IFINDEX|IFNAME, VTEP_A_NEIGH { VNI, ADDR|ADDR6,
 *                       [OWNER] }; -ENOENT if absent (or of another
 *                       owner).
 * VTEP_CMD_NEIGH_GET    dump: IFINDEX|IFNAME, [VTEP_A_NEIGH { VNI }]
 *     reply: one message per entry: IFINDEX, IFNAME, VTEP_A_NEIGH { VNI,
 *            ADDR|ADDR6, LLADDR, OWNER }. A dump during which an entry, a
 *            VNI or a remote changed carries NLM_F_DUMP_INTR.
 * Deleting a VNI deletes its neighbour table.
 *
 * VTEP_CMD_STATS_GET    do: IFINDEX|IFNAME, [VTEP_A_VNI { ID }]
 *     reply: IFINDEX, IFNAME, [VTEP_A_VNI { ID }], VTEP_A_STATS { VTEP_STAT_* }
 *     Device counters, or one VNI's. Every counter is a u64; attribute type
 *     i of the nest is counter i of enum vtep_stat (type 0 included, so
 *     there is no pad attribute: a payload may be only 4-byte aligned, copy
 *     it out as mnl_attr_get_u64() does); new counters are only ever
 *     appended.
 *
 * Events
 * ------
 *
 * Multicast group "events" carries VTEP_CMD_EVENT messages:
 *     IFINDEX, IFNAME, VTEP_A_EVENT (enum vtep_event), VTEP_A_FDB { ... }
 *     or, for VNI events, VTEP_A_VNI { ID }.
 * A listener that falls behind loses events (its recv() fails with ENOBUFS);
 * it then has to dump the tables again to resynchronise.
 *
 * Joining the group needs CAP_NET_ADMIN in the user namespace that owns
 * the network namespace (-EPERM from NETLINK_ADD_MEMBERSHIP), on kernels
 * whose generic netlink can require it (GENL_MCAST_CAP_NET_ADMIN: 6.7,
 * and backports to stable series; Debian's 6.1 and 6.12 kernels have it).
 * On kernels without it, any process of the namespace can join, and hears,
 * as they happen, every event of every vtep device in that namespace:
 * tenants' MACs with their VNIs and the
 * underlay addresses behind them (added, learned, moved, aged, deleted),
 * and in FDB_MISS the MACs tenants send to that the table lacks. Events go
 * only to the device's own namespace, never to other namespaces.
 *
 * Errors
 * ------
 *
 * A refused request gets a negative errno in NLMSG_ERROR and, where the
 * kernel can name it, an extack message and the offending attribute.
 * A required attribute that is absent is named by NLMSGERR_ATTR_MISS_TYPE
 * (and NLMSGERR_ATTR_MISS_NEST for one inside a nest), -EINVAL, with no
 * message. Unknown attributes are refused (-EINVAL), not ignored.
 *
 * Units and limits
 * ----------------
 *
 * VNI: 1 .. 16777215.  VLAN: 1 .. 4094.  Port: network byte order.
 * Ageing: seconds, 0 = never, at most 1,000,000. Addresses: IPv4 as 4
 * bytes (network order), IPv6 as 16 bytes.
 *
 * Limits (u32 each, 0 = none), so that neither a sender on the underlay
 * nor a local user can grow kernel memory without bound:
 *  - FDB_MAX (default 0): static entries of the device, the control
 *    plane's. Learned entries do not count, so learning never makes a
 *    static add fail.
 *  - LEARN_MAX (default VTEP_DEFAULT_LEARN_MAX): learned entries per VNI
 *    (VTEP_VNI_A_LEARNED). A frame from a new MAC beyond it is delivered
 *    but not learned, and counted in VTEP_STAT_DROP_FDB_FULL.
 *  - LEARN_MAX_DEV (default VTEP_DEFAULT_LEARN_MAX_DEV): learned entries
 *    of the device, all its VNIs together, so that many VNIs do not
 *    multiply LEARN_MAX. Beyond it, as beyond LEARN_MAX.
 *  - PEER_MAX (default VTEP_DEFAULT_PEER_MAX): peers (distinct underlay
 *    addresses FDB entries and remotes send to) of the device. An add
 *    that needs a new one beyond it gets -ENOSPC; a frame from a new
 *    source is delivered but not learned (DROP_FDB_FULL).
 *  - REMOTE_MAX (default VTEP_DEFAULT_REMOTE_MAX): replication-list
 *    entries per VNI (-ENOSPC beyond it).
 * Lowering a limit removes nothing; it refuses what would go beyond it.
 * A device owned by a user namespace other than the initial one (created
 * from a network namespace such a user namespace owns) may not set
 * LEARN_MAX, LEARN_MAX_DEV or PEER_MAX to 0 (unlimited): -EINVAL, and the
 * extack names the limit.
 *
 * What requests allocate (entries, peers, remotes, VNIs and their per-CPU
 * counters and route caches) is charged to the requester's memory cgroup.
 * What learning allocates (learned entries, the peers they send to, the
 * local MACs of move notices) is charged to the memory cgroup of the
 * device's creator, as it was when the device was created: at that
 * cgroup's memory.max a MAC is not learned (counted in
 * VTEP_STAT_DROP_FDB_FULL), whatever the limits above allow.
 */
#ifndef _UAPI_LINUX_VTEP_H
#define _UAPI_LINUX_VTEP_H

#include <linux/types.h>

#define VTEP_GENL_NAME		"vtep"
#define VTEP_GENL_VERSION	2
#define VTEP_MCGRP_EVENTS	"events"

#define VTEP_VNI_MAX		0xffffff
#define VTEP_VLAN_MAX		4094
#define VTEP_DEFAULT_PORT	4789
#define VTEP_DEFAULT_AGEING	300
#define VTEP_AGEING_MAX		1000000
#define VTEP_DEFAULT_PORT_MIN	32768
#define VTEP_DEFAULT_PORT_MAX	65535
#define VTEP_TOS_INHERIT	1	/* VTEP_LINK_A_TOS: copy the inner TOS */
#define VTEP_DEFAULT_LEARN_MAX	16384	/* learned entries per VNI */
#define VTEP_DEFAULT_LEARN_MAX_DEV 262144 /* learned entries per device */
#define VTEP_DEFAULT_PEER_MAX	65536	/* peers per device */
#define VTEP_DEFAULT_REMOTE_MAX	1024	/* replication entries per VNI */
#define VTEP_DEFAULT_FLOWLET_GAP 500	/* microseconds */
#define VTEP_FLOWLET_GAP_MAX	1000000
#define VTEP_DEFAULT_SAMPLE	256	/* one transmitted frame in 256 */
#define VTEP_SAMPLE_MAX		1048576
#define VTEP_DEFAULT_ELEPHANT_RATE 125000000ULL /* bytes/s: 10% of 10 Gbit/s */
#define VTEP_ELEPHANT_RATE_MIN	1000
#define VTEP_NEIGH_VNI_MAX	65536	/* neighbour entries per VNI */
#define VTEP_LOCAL_ADDRS_MAX	8	/* local addresses of a device */
#define VTEP_PEER_ADDRS_MAX	8	/* addresses of a peer set */
#define VTEP_ALIAS_MAX		256	/* aliases of a device */

enum vtep_cmd {
	VTEP_CMD_UNSPEC,
	VTEP_CMD_LINK_GET,
	VTEP_CMD_LINK_SET,
	VTEP_CMD_VNI_NEW,
	VTEP_CMD_VNI_SET,
	VTEP_CMD_VNI_DEL,
	VTEP_CMD_VNI_GET,
	VTEP_CMD_REMOTE_NEW,
	VTEP_CMD_REMOTE_DEL,
	VTEP_CMD_REMOTE_GET,
	VTEP_CMD_FDB_NEW,
	VTEP_CMD_FDB_DEL,
	VTEP_CMD_FDB_GET,
	VTEP_CMD_FDB_FLUSH,
	VTEP_CMD_STATS_GET,
	VTEP_CMD_EVENT,
	VTEP_CMD_PEER_NEW,
	VTEP_CMD_PEER_DEL,
	VTEP_CMD_PEER_GET,
	VTEP_CMD_FLOW_GET,
	VTEP_CMD_NEIGH_NEW,
	VTEP_CMD_NEIGH_DEL,
	VTEP_CMD_NEIGH_GET,
	VTEP_CMD_ALIAS_NEW,
	VTEP_CMD_ALIAS_DEL,
	VTEP_CMD_ALIAS_GET,
	__VTEP_CMD_MAX,
};
#define VTEP_CMD_MAX (__VTEP_CMD_MAX - 1)

enum vtep_attr {
	VTEP_A_UNSPEC,
	VTEP_A_IFINDEX,		/* u32 */
	VTEP_A_IFNAME,		/* string, < IFNAMSIZ */
	VTEP_A_LINK,		/* nest: VTEP_LINK_A_* */
	VTEP_A_VNI,		/* nest: VTEP_VNI_A_* */
	VTEP_A_REMOTE,		/* nest: VTEP_REMOTE_A_* */
	VTEP_A_FDB,		/* nest: VTEP_FDB_A_* */
	VTEP_A_FDB_LIST,	/* nest of VTEP_A_FDB nests (batch) */
	VTEP_A_STATS,		/* nest: u64 per enum vtep_stat */
	VTEP_A_EVENT,		/* u8: enum vtep_event */
	VTEP_A_PEER,		/* nest: VTEP_PEER_A_* */
	VTEP_A_FLOW,		/* nest, read only: VTEP_FLOW_A_* */
	VTEP_A_NEIGH,		/* nest: VTEP_NEIGH_A_* */
	VTEP_A_ALIAS,		/* nest: VTEP_ALIAS_A_* */
	VTEP_A_FDB_RECORDS,	/* binary: struct vtep_fdb_rec[] (batch) */
	VTEP_A_FDB_EXPECT,	/* u32: entries a load still brings (FDB_NEW) */
	__VTEP_A_MAX,
};
#define VTEP_A_MAX (__VTEP_A_MAX - 1)

enum vtep_df {
	VTEP_DF_UNSET,		/* DF clear */
	VTEP_DF_SET,		/* DF set */
	VTEP_DF_INHERIT,	/* copied from the inner IPv4 header */
	__VTEP_DF_END,
};
#define VTEP_DF_MAX (__VTEP_DF_END - 1)

enum vtep_link_attr {
	VTEP_LINK_A_UNSPEC,
	VTEP_LINK_A_LOCAL,	/* be32: IPv4 local address */
	VTEP_LINK_A_LOCAL6,	/* 16 bytes: IPv6 local address */
	VTEP_LINK_A_PORT,	/* be16: UDP port, default 4789 */
	VTEP_LINK_A_UNDERLAY,	/* u32: underlay device ifindex, 0 = none */
	VTEP_LINK_A_TTL,	/* u8: 0 = route's default */
	VTEP_LINK_A_TOS,	/* u8: VTEP_TOS_INHERIT = copy the inner TOS */
	VTEP_LINK_A_DF,		/* u8: enum vtep_df */
	VTEP_LINK_A_LEARNING,	/* u8: 0/1, default 1 */
	VTEP_LINK_A_AGEING,	/* u32: seconds, 0 = never, default 300 */
	VTEP_LINK_A_FDB_MAX,	/* u32: entries, 0 = unlimited */
	VTEP_LINK_A_PORT_MIN,	/* u16: lowest source port, default 32768 */
	VTEP_LINK_A_PORT_MAX,	/* u16: highest source port, default 65535 */
	VTEP_LINK_A_UDP_CSUM,	/* u8: 0/1, outer UDP checksum over IPv4 */
	VTEP_LINK_A_MOVE_NOTICE, /* u8: 0/1, flood frames from new local MACs */
	VTEP_LINK_A_FDB_COUNT,	/* u32, read only */
	VTEP_LINK_A_VNI_COUNT,	/* u32, read only */
	VTEP_LINK_A_UDP6_ZERO_CSUM_RX, /* u8: 0/1, accept IPv6 zero UDP checksums */
	VTEP_LINK_A_LEARN_MAX,	/* u32: learned entries per VNI, 0 = unlimited */
	VTEP_LINK_A_PEER_MAX,	/* u32: peers of the device, 0 = unlimited */
	VTEP_LINK_A_REMOTE_MAX,	/* u32: remotes per VNI, 0 = unlimited */
	VTEP_LINK_A_RESTEER,	/* u8: 0/1, move elephants at flowlet gaps, default 0 */
	VTEP_LINK_A_FLOWLET_GAP, /* u32: microseconds, 1 .. 1000000, default 500 */
	VTEP_LINK_A_SAMPLE,	/* u32: sample 1 frame in N, 0 = off, default 256 */
	VTEP_LINK_A_ELEPHANT_RATE, /* u64: bytes/s, default 125000000 */
	VTEP_LINK_A_LOCALS,	/* nest: VTEP_LOCAL_A_*, every local address */
	VTEP_LINK_A_LEARN_MAX_DEV, /* u32: learned entries of the device, 0 = unlimited */
	__VTEP_LINK_A_MAX,
};
#define VTEP_LINK_A_MAX (__VTEP_LINK_A_MAX - 1)

/* One local address of VTEP_LINK_A_LOCALS, repeated, the primary first */
enum vtep_local_attr {
	VTEP_LOCAL_A_UNSPEC,
	VTEP_LOCAL_A_ADDR,	/* be32 */
	VTEP_LOCAL_A_ADDR6,	/* 16 bytes */
	__VTEP_LOCAL_A_MAX,
};
#define VTEP_LOCAL_A_MAX (__VTEP_LOCAL_A_MAX - 1)

/* Another address of a peer (VTEP_CMD_ALIAS_*) */
enum vtep_alias_attr {
	VTEP_ALIAS_A_UNSPEC,
	VTEP_ALIAS_A_ADDR,	/* be32: the other address */
	VTEP_ALIAS_A_ADDR6,	/* 16 bytes */
	VTEP_ALIAS_A_PEER,	/* be32: the primary address of its set */
	VTEP_ALIAS_A_PEER6,	/* 16 bytes */
	__VTEP_ALIAS_A_MAX,
};
#define VTEP_ALIAS_A_MAX (__VTEP_ALIAS_A_MAX - 1)

enum vtep_vni_attr {
	VTEP_VNI_A_UNSPEC,
	VTEP_VNI_A_ID,		/* u32: 1 .. 16777215 */
	VTEP_VNI_A_VLAN,	/* u16: 1 .. 4094 */
	VTEP_VNI_A_UNTAGGED,	/* flag */
	VTEP_VNI_A_GROUP,	/* be32: IPv4 multicast group, 0 = none */
	VTEP_VNI_A_GROUP6,	/* 16 bytes: IPv6 multicast group, :: = none */
	VTEP_VNI_A_FLOOD,	/* u8: flood unknown unicast, default 1 */
	VTEP_VNI_A_REMOTES,	/* u32, read only: replication list length */
	VTEP_VNI_A_FDB_COUNT,	/* u32, read only */
	VTEP_VNI_A_STATS,	/* nest, read only: u64 per enum vtep_stat */
	VTEP_VNI_A_PEERS,	/* u8: enum vtep_peers, default ANY */
	VTEP_VNI_A_LEARNED,	/* u32, read only: learned entries */
	VTEP_VNI_A_SUPPRESS,	/* u8: 0/1, answer ARP/ND from the neighbour table */
	VTEP_VNI_A_NEIGHS,	/* u32, read only: neighbour table entries */
	__VTEP_VNI_A_MAX,
};
#define VTEP_VNI_A_MAX (__VTEP_VNI_A_MAX - 1)

enum vtep_remote_attr {
	VTEP_REMOTE_A_UNSPEC,
	VTEP_REMOTE_A_VNI,	/* u32 */
	VTEP_REMOTE_A_ADDR,	/* be32 */
	VTEP_REMOTE_A_ADDR6,	/* 16 bytes */
	VTEP_REMOTE_A_OWNER,	/* u8: enum vtep_owner */
	__VTEP_REMOTE_A_MAX,
};
#define VTEP_REMOTE_A_MAX (__VTEP_REMOTE_A_MAX - 1)

/* Whose frames a VNI accepts (VTEP_VNI_A_PEERS) */
enum vtep_peers {
	VTEP_PEERS_ANY,		/* any underlay source (RFC 7348, vxlan) */
	VTEP_PEERS_KNOWN,	/* remotes, static FDB destinations, PEER_NEW */
	__VTEP_PEERS_END,
};
#define VTEP_PEERS_MAX (__VTEP_PEERS_END - 1)

/* An allowed underlay source of a VNI (VTEP_CMD_PEER_*) */
enum vtep_peer_attr {
	VTEP_PEER_A_UNSPEC,
	VTEP_PEER_A_VNI,	/* u32 */
	VTEP_PEER_A_ADDR,	/* be32 */
	VTEP_PEER_A_ADDR6,	/* 16 bytes */
	VTEP_PEER_A_PREFIX,	/* u8: prefix length, default the full address */
	VTEP_PEER_A_OWNER,	/* u8: enum vtep_owner */
	__VTEP_PEER_A_MAX,
};
#define VTEP_PEER_A_MAX (__VTEP_PEER_A_MAX - 1)

/* An overlay neighbour of a VNI (VTEP_CMD_NEIGH_*) */
enum vtep_neigh_attr {
	VTEP_NEIGH_A_UNSPEC,
	VTEP_NEIGH_A_VNI,	/* u32 */
	VTEP_NEIGH_A_ADDR,	/* be32: the tenant host's IPv4 address */
	VTEP_NEIGH_A_ADDR6,	/* 16 bytes: its IPv6 address */
	VTEP_NEIGH_A_LLADDR,	/* 6 bytes: its MAC */
	VTEP_NEIGH_A_OWNER,	/* u8: enum vtep_owner */
	__VTEP_NEIGH_A_MAX,
};
#define VTEP_NEIGH_A_MAX (__VTEP_NEIGH_A_MAX - 1)

/*
 * An elephant flow of a device (VTEP_CMD_FLOW_GET, VTEP_EVENT_ELEPHANT), as
 * its sampled frame showed it. An IPv4 or IPv6 flow has SRC|SRC6, DST|DST6,
 * PROTO and, for TCP, UDP, SCTP and the like, SPORT and DPORT; any other
 * frame has SRC_MAC and DST_MAC instead.
 */
enum vtep_flow_attr {
	VTEP_FLOW_A_UNSPEC,
	VTEP_FLOW_A_VNI,	/* u32 */
	VTEP_FLOW_A_PROTO,	/* u8: inner IP protocol */
	VTEP_FLOW_A_SRC,	/* be32: inner IPv4 source */
	VTEP_FLOW_A_SRC6,	/* 16 bytes: inner IPv6 source */
	VTEP_FLOW_A_DST,	/* be32 */
	VTEP_FLOW_A_DST6,	/* 16 bytes */
	VTEP_FLOW_A_SPORT,	/* be16: inner L4 source port */
	VTEP_FLOW_A_DPORT,	/* be16 */
	VTEP_FLOW_A_SRC_MAC,	/* 6 bytes: non-IP flows */
	VTEP_FLOW_A_DST_MAC,	/* 6 bytes */
	VTEP_FLOW_A_RATE,	/* u64: estimated bytes/s */
	VTEP_FLOW_A_OUTER_SPORT, /* be16: the outer UDP source port it takes now */
	VTEP_FLOW_A_OUTER_SRC,	/* be32: the local address it takes now */
	VTEP_FLOW_A_OUTER_SRC6,	/* 16 bytes */
	VTEP_FLOW_A_MOVES,	/* u32: outer port changes at flowlet gaps */
	__VTEP_FLOW_A_MAX,
};
#define VTEP_FLOW_A_MAX (__VTEP_FLOW_A_MAX - 1)

/* Who put an entry there (see "Owners") */
enum vtep_owner {
	VTEP_OWNER_UNSPEC,	/* not said: older tools, bridge fdb */
	VTEP_OWNER_KERNEL,	/* learned FDB entries; refused in requests */
	VTEP_OWNER_USER,	/* an operator: vtepctl's default */
	VTEP_OWNER_CONF,	/* a configuration file: vtep@.service, syncconf */
	VTEP_OWNER_EVPN,	/* the BGP EVPN agent */
	VTEP_OWNER_HOOK,	/* a VM orchestration hook */
};

/*
 * One entry of a VTEP_A_FDB_RECORDS batch (FDB_NEW, FDB_DEL): the fields
 * of a VTEP_A_FDB nest in a fixed record, so that the kernel reads a
 * batch without parsing and checking one nest per entry (a third of its
 * instructions for a batch of nests). The attribute is a whole number of
 * records, at least one; a request carries one of VTEP_A_FDB,
 * VTEP_A_FDB_LIST and VTEP_A_FDB_RECORDS. Each record is checked as its
 * nest would be; a refusal's extack offset (NLMSGERR_ATTR_OFFS) is the
 * record's own. Modules that lack it answer -EINVAL (an unknown
 * attribute under strict validation); the family's CTRL_ATTR_MAXATTR
 * tells beforehand.
 */
struct vtep_fdb_rec {
	__u32 vni;
	__u8 mac[6];
	__u8 family;		/* of dst: AF_INET, AF_INET6; 0: none (FDB_DEL) */
	__u8 flags;		/* VTEP_FDB_REC_F_* */
	__u8 owner;		/* enum vtep_owner, with VTEP_FDB_REC_F_OWNER */
	__u8 reserved[3];	/* zero */
	__u8 dst[16];		/* IPv4: the first 4 bytes, the rest zero */
};
#define VTEP_FDB_REC_F_OWNER	0x01	/* owner is given (VTEP_FDB_A_OWNER) */

enum vtep_fdb_type {
	VTEP_FDB_TYPE_ANY,
	VTEP_FDB_TYPE_STATIC,
	VTEP_FDB_TYPE_LEARNED,
	__VTEP_FDB_TYPE_END,
};
#define VTEP_FDB_TYPE_MAX (__VTEP_FDB_TYPE_END - 1)

enum vtep_fdb_attr {
	VTEP_FDB_A_UNSPEC,
	VTEP_FDB_A_VNI,		/* u32 */
	VTEP_FDB_A_MAC,		/* 6 bytes */
	VTEP_FDB_A_DST,		/* be32: remote VTEP */
	VTEP_FDB_A_DST6,	/* 16 bytes: remote VTEP */
	VTEP_FDB_A_TYPE,	/* u8: enum vtep_fdb_type */
	VTEP_FDB_A_AGE,		/* u32, read only: ms since last received */
	VTEP_FDB_A_OWNER,	/* u8: enum vtep_owner */
	__VTEP_FDB_A_MAX,
};
#define VTEP_FDB_A_MAX (__VTEP_FDB_A_MAX - 1)

enum vtep_event {
	VTEP_EVENT_UNSPEC,
	VTEP_EVENT_FDB_ADDED,	/* by the control plane */
	VTEP_EVENT_FDB_CHANGED,	/* replaced by the control plane */
	VTEP_EVENT_FDB_DELETED,	/* by the control plane or a flush */
	VTEP_EVENT_FDB_LEARNED,	/* new entry learned from a received frame */
	VTEP_EVENT_FDB_MOVED,	/* learned MAC seen behind another remote (rate-limited) */
	VTEP_EVENT_FDB_AGED,	/* learned entry expired */
	VTEP_EVENT_FDB_MISS,	/* transmit to an unknown unicast MAC */
	VTEP_EVENT_VNI_ADDED,
	VTEP_EVENT_VNI_CHANGED,
	VTEP_EVENT_VNI_DELETED,
	VTEP_EVENT_PEER_REFUSED, /* a frame from a source not allowed (rate-limited) */
	VTEP_EVENT_ELEPHANT,	/* a new elephant flow, VTEP_A_FLOW (rate-limited) */
	__VTEP_EVENT_END,
};
#define VTEP_EVENT_MAX (__VTEP_EVENT_END - 1)

/*
 * Counters, per device and per VNI. Drops are named by reason; a frame is
 * counted in exactly one drop counter.
 */
enum vtep_stat {
	VTEP_STAT_TX_PACKETS,
	VTEP_STAT_TX_BYTES,
	VTEP_STAT_RX_PACKETS,
	VTEP_STAT_RX_BYTES,
	VTEP_STAT_TX_FLOOD,		/* frames flooded (not drops) */
	VTEP_STAT_TX_MOVE_NOTICE,	/* known-unicast frames flooded as a move notice */
	VTEP_STAT_FDB_LEARNED,		/* entries learned */
	VTEP_STAT_FDB_MOVED,		/* learned entries moved to another remote */
	VTEP_STAT_FDB_AGED,		/* learned entries aged out */
	VTEP_STAT_DROP_NO_VNI,		/* tx: VLAN/untagged not mapped to a VNI */
	VTEP_STAT_DROP_NO_ROUTE,	/* tx: no route to the remote */
	VTEP_STAT_DROP_TOO_BIG,		/* tx: larger than the path MTU */
	VTEP_STAT_DROP_FLOOD_OFF,	/* tx: unknown unicast, flood off */
	VTEP_STAT_DROP_NO_DEST,		/* tx: flood with no group nor remote */
	VTEP_STAT_DROP_TX_ERROR,	/* tx: allocation/encap failure */
	VTEP_STAT_DROP_BAD_FLAGS,	/* rx: I flag clear or unknown flags */
	VTEP_STAT_DROP_BAD_RESERVED,	/* rx: reserved field not zero */
	VTEP_STAT_DROP_TOO_SHORT,	/* rx: header or inner frame too short */
	VTEP_STAT_DROP_UNKNOWN_VNI,	/* rx: VNI not configured */
	VTEP_STAT_DROP_BAD_INNER,	/* rx: inner frame not Ethernet-sized */
	VTEP_STAT_DROP_FDB_FULL,	/* rx: delivered, not learned: a limit or memory */
	VTEP_STAT_DROP_LOOP,		/* rx: inner source MAC is our own */
	VTEP_STAT_DROP_RX_ERROR,	/* rx: allocation/GRO failure */
	VTEP_STAT_DROP_BAD_SRC_MAC,	/* rx: inner source MAC multicast, broadcast or zero */
	VTEP_STAT_DROP_PEER,		/* rx: outer source not an allowed peer of the VNI */
	VTEP_STAT_ELEPHANTS,		/* tx: flows found above ELEPHANT_RATE (not drops) */
	VTEP_STAT_ELEPHANT_FULL,	/* tx: elephants the table could not hold, or evicted */
	VTEP_STAT_RESTEER_MOVES,	/* tx: elephants moved to another outer port at a gap */
	VTEP_STAT_ARP_SUPPRESSED,	/* tx: ARP requests answered by the device (not drops) */
	VTEP_STAT_ND_SUPPRESSED,	/* tx: neighbour solicitations answered by the device */
	VTEP_STAT_MOVE_EVENTS_SUPPRESSED, /* rx: FDB_MOVED events over the rate limit (not drops) */
	VTEP_STAT_PMTU_SUPPRESSED,	/* tx: ICMP too-big replies over the rate limit */
	__VTEP_STAT_MAX,
};
#define VTEP_STAT_MAX (__VTEP_STAT_MAX - 1)

/*
 * The counters' names (ethtool -S, vtepctl stats), as designated
 * initialisers in enum order, so the module and tools share one list.
 */
#define VTEP_STAT_NAMES \
	[VTEP_STAT_TX_PACKETS] = "tx_packets", \
	[VTEP_STAT_TX_BYTES] = "tx_bytes", \
	[VTEP_STAT_RX_PACKETS] = "rx_packets", \
	[VTEP_STAT_RX_BYTES] = "rx_bytes", \
	[VTEP_STAT_TX_FLOOD] = "tx_flood", \
	[VTEP_STAT_TX_MOVE_NOTICE] = "tx_move_notice", \
	[VTEP_STAT_FDB_LEARNED] = "fdb_learned", \
	[VTEP_STAT_FDB_MOVED] = "fdb_moved", \
	[VTEP_STAT_FDB_AGED] = "fdb_aged", \
	[VTEP_STAT_DROP_NO_VNI] = "drop_no_vni", \
	[VTEP_STAT_DROP_NO_ROUTE] = "drop_no_route", \
	[VTEP_STAT_DROP_TOO_BIG] = "drop_too_big", \
	[VTEP_STAT_DROP_FLOOD_OFF] = "drop_flood_off", \
	[VTEP_STAT_DROP_NO_DEST] = "drop_no_dest", \
	[VTEP_STAT_DROP_TX_ERROR] = "drop_tx_error", \
	[VTEP_STAT_DROP_BAD_FLAGS] = "drop_bad_flags", \
	[VTEP_STAT_DROP_BAD_RESERVED] = "drop_bad_reserved", \
	[VTEP_STAT_DROP_TOO_SHORT] = "drop_too_short", \
	[VTEP_STAT_DROP_UNKNOWN_VNI] = "drop_unknown_vni", \
	[VTEP_STAT_DROP_BAD_INNER] = "drop_bad_inner", \
	[VTEP_STAT_DROP_FDB_FULL] = "drop_fdb_full", \
	[VTEP_STAT_DROP_LOOP] = "drop_loop", \
	[VTEP_STAT_DROP_RX_ERROR] = "drop_rx_error", \
	[VTEP_STAT_DROP_BAD_SRC_MAC] = "drop_bad_src_mac", \
	[VTEP_STAT_DROP_PEER] = "drop_peer", \
	[VTEP_STAT_ELEPHANTS] = "elephants", \
	[VTEP_STAT_ELEPHANT_FULL] = "elephant_full", \
	[VTEP_STAT_RESTEER_MOVES] = "resteer_moves", \
	[VTEP_STAT_ARP_SUPPRESSED] = "arp_suppressed", \
	[VTEP_STAT_ND_SUPPRESSED] = "nd_suppressed", \
	[VTEP_STAT_MOVE_EVENTS_SUPPRESSED] = "move_events_suppressed", \
	[VTEP_STAT_PMTU_SUPPRESSED] = "pmtu_suppressed",

#endif /* _UAPI_LINUX_VTEP_H */

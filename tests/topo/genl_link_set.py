#!/usr/bin/python3
"""genl_link_set.py IFNAME ATTR VALUE: VTEP_CMD_LINK_SET of one u8 link
attribute (VTEP_LINK_A_*, by number), for settings a test needs before
vtepctl has a keyword for them. Exit status 0, or 1 with the errno."""
import os
import socket
import struct
import sys

NETLINK_GENERIC, GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR = 1, 4, 2
VTEP_CMD_LINK_SET, VTEP_A_IFNAME, VTEP_A_LINK, NLA_F_NESTED = 2, 2, 3, 0x8000


def attr(t, data):
    a = struct.pack("HH", 4 + len(data), t) + data
    return a + b"\0" * (-len(a) % 4)


def request(s, family, cmd, version, attrs):
    body = struct.pack("BBH", cmd, version, 0) + attrs
    s.send(struct.pack("IHHII", 16 + len(body), family, NLM_F_REQUEST | NLM_F_ACK, 1, 0) + body)
    replies = []
    while True:
        data = s.recv(65536)
        off = 0
        while off < len(data):
            ln, typ = struct.unpack_from("IH", data, off)
            if typ == NLMSG_ERROR:
                return struct.unpack_from("i", data, off + 16)[0], replies
            replies.append(data[off + 20:off + ln])
            off += (ln + 3) & ~3


def main():
    ifname, a, v = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    err, rep = request(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
                       attr(CTRL_ATTR_FAMILY_NAME, b"vtep\0"))
    if err or not rep:
        sys.exit(f"genl family vtep: {os.strerror(-err)}")
    family, off = None, 0
    while off < len(rep[0]):
        ln, t = struct.unpack_from("HH", rep[0], off)
        if t == CTRL_ATTR_FAMILY_ID:
            family = struct.unpack_from("H", rep[0], off + 4)[0]
        off += (ln + 3) & ~3
    err, _ = request(s, family, VTEP_CMD_LINK_SET, 2,
                     attr(VTEP_A_IFNAME, ifname.encode() + b"\0") +
                     attr(VTEP_A_LINK | NLA_F_NESTED, attr(a, bytes([v]))))
    if err:
        sys.exit(f"LINK_SET {ifname} {a}={v}: {os.strerror(-err)}")


main()

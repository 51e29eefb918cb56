# gobgpd's gRPC API, as the agent uses it.
import threading

from . import stubs


def peer_address(peer):
    return peer.state.neighbor_address or peer.conf.neighbor_address


def list_peers(stub, timeout):
    """gobgpd's neighbours: address -> session established"""
    pb = stubs.pb
    return {peer_address(r.peer): r.peer.state.session_state == pb.PeerState.ESTABLISHED
            for r in stub.ListPeer(pb.ListPeerRequest(), timeout=timeout)}


class Unreachable(Exception):
    """no gobgpd to talk to, and why"""


def why(e):
    """a gRPC error in a few words"""
    try:
        return "%s: %s" % (e.code().name, e.details())
    except AttributeError:
        return str(e)


def dial(target):
    """(channel, stub) of the gobgpd at TARGET; Unreachable if it does not
    answer or is not running BGP"""
    grpc, pb = stubs.grpc, stubs.pb
    ch = grpc.insecure_channel(target)
    stub = stubs.stub_mod.GobgpApiStub(ch)
    try:
        stub.GetBgp(pb.GetBgpRequest(), timeout=2)
    except grpc.RpcError as e:
        ch.close()
        if e.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            raise Unreachable("does not answer: is gobgpd running (Debian's gobgpd.service "
                              "starts only if /etc/gobgpd.conf exists), its API on %s "
                              "(gobgpd --api-hosts)?" % target)
        raise Unreachable("answers, but %s: is its BGP configured ([global.config] in "
                          "/etc/gobgpd.conf)?" % why(e))
    return ch, stub


def family():
    pb = stubs.pb
    return pb.Family(afi=pb.Family.AFI_L2VPN, safi=pb.Family.SAFI_EVPN)


def list_paths(stub):
    """every EVPN path of gobgpd's global table"""
    pb = stubs.pb
    for r in stub.ListPath(pb.ListPathRequest(table_type=pb.GLOBAL, family=family()), timeout=30):
        for p in r.destination.paths:
            yield p


def add_paths(stub, paths):
    """Many routes into gobgpd in one stream, 500 a message"""
    pb = stubs.pb

    def reqs():
        for i in range(0, len(paths), 500):
            yield pb.AddPathStreamRequest(table_type=pb.GLOBAL, paths=paths[i:i + 500])
    stub.AddPathStream(reqs(), timeout=60)


def watch(stub, put):
    """gobgpd's events (peers, best paths) to PUT("bgp", r) in a thread,
    then PUT("bgpdown", why) when the stream ends"""
    pb, grpc = stubs.pb, stubs.grpc
    req = pb.WatchEventRequest(
        peer=pb.WatchEventRequest.Peer(),
        table=pb.WatchEventRequest.Table(filters=[
            pb.WatchEventRequest.Table.Filter(type=pb.WatchEventRequest.Table.Filter.BEST)]))

    def run():
        try:
            for r in stub.WatchEvent(req):
                put("bgp", r)
            err = "stream ended"
        except grpc.RpcError as e:
            err = e.code().name if hasattr(e, "code") else str(e)
        put("bgpdown", err)
    threading.Thread(target=run, daemon=True).start()

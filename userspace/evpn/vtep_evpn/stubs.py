# gobgp's python stubs, generated at build time (`make evpn-stubs`) from
# the .proto files of golang-github-osrg-gobgp-dev. The vtep-evpn entry
# point has found and vetted their directory (never /tmp, never one that
# others can write) and put it first on sys.path; here they are imported,
# and refused if python found them anywhere else.
import os
import sys

from .util import die

grpc = pb = attr = stub_mod = Any = None


def load(d):
    """import grpc and the stubs of directory D into this module"""
    global grpc, pb, attr, stub_mod, Any
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True      # no __pycache__ made there with our umask
    try:
        import grpc
        import gobgp_pb2 as pb
        import attribute_pb2 as attr
        import gobgp_pb2_grpc as stub_mod
        from google.protobuf.any_pb2 import Any
    except ImportError as e:
        die("cannot load the gobgp stubs or grpc (python3-grpcio, python3-protobuf): %s" % e)
    finally:
        sys.dont_write_bytecode = dont_write
    for m in (pb, attr, stub_mod):
        if os.path.dirname(os.path.realpath(m.__file__)) != os.path.realpath(d):
            die("%s was loaded from %s, not %s" % (m.__name__, m.__file__, d))


def pack(msg):
    a = Any()
    a.Pack(msg)
    return a


def unpack(anymsg, *types):
    for t in types:
        if anymsg.Is(t.DESCRIPTOR):
            m = t()
            anymsg.Unpack(m)
            return m
    return None

"""vtep-evpn: a BGP EVPN (RFC 7432, RFC 8365) agent for a vtep device, beside
gobgpd. One concern a module: util (logging), config, capture (ARP/ND
snooping), bridge (the bridge's FDB), stubs (gobgp's gRPC modules), gobgp
(the client), evpn (routes to and from gobgp's messages), routes (the other
VTEPs' routes and their holds), program (the device, through vtepctl),
agent (the main loop) and main. See vtep-evpn(8)."""

print(ip("10.0.0.5"), ip("192.168.1.1/24"))  # expect: 10.0.0.5 192.168.1.1/24
try { ip("10.0.0.256") } catch e { print(e.message) }  # expect: "10.0.0.256" is not an IPv4 address
try { ip("10.0.0.1/40") } catch e { print(e.message) }  # expect: bad prefix in "10.0.0.1/40"

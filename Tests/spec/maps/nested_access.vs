let cfg = {net: {dns: ["8.8.8.8"], gw: {ip: "10.0.0.1"}}}
print(cfg.net.gw.ip)  # expect: 10.0.0.1
print(cfg["net"]["dns"][0])  # expect: 8.8.8.8
cfg.net.gw.ip = "10.0.0.254"
print(cfg.net.gw)  # expect: {ip: "10.0.0.254"}

let gw = nil
print(gw?.name)  # expect: nil
print(gw?.name ?? "none")  # expect: none
let cfg = {net: {name: "lan"}}
print(cfg?.net?.name)  # expect: lan
print(gw?.nat?.rules)  # expect: nil
print(gw?.list(1, 2))  # expect: nil

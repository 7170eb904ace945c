let m = {a: 1}
m.kyes()
# expect error: no key "kyes" in the map
# expect error: did you mean "keys"?

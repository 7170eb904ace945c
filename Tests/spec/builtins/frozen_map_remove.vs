let m = freeze({a: 1})
m.remove("a")
# expect error: cannot change a frozen value

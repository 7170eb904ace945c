let m = {}
print(m.get("n") * 2)
# expect error: cannot multiply nil and int
# expect error: the left side is nil

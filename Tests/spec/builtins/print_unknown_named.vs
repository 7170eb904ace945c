print("a", end: "")
# expect error: print() has no parameter named end

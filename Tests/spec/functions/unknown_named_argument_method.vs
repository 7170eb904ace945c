print("a,b".split(",", limt: 1))
# expect error: string.split() has no parameter named limt
# expect error: did you mean "limit"?

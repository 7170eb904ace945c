import "./_lib/2fast.vs"
# expect error: cannot name the module "./_lib/2fast.vs" automatically

import "./_lib/nope.vs" as nope
# expect error: cannot find module "./_lib/nope.vs"

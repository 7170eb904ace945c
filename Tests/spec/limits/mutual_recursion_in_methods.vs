let obj = {}
obj.ping = fn(n) { obj.pong(n + 1) }
obj.pong = fn(n) { obj.ping(n + 1) }
obj.ping(0)
# expect error: recursion is too deep

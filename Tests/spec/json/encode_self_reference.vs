let m = {}
m.self = m
json.encode(m)
# expect error: nested too deeply (or refers to itself)

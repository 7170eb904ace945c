let handler = nil
handler()
# expect error: handler is nil, not a function

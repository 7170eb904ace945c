list(0..<1000000000000)
# expect error: range too large to make a list
